/**
 * `sealtrail sms summary|readiness|gaps|kpis|maturity|due`: the SMS figures
 * of a vault, computed by core from its records, on a data directory or
 * database, or asked of a server with --server. --json prints them whole,
 * with every record they cite; the text form is a short reading of them.
 */
import type { Command } from "commander";
import { createClient } from "@sealtrail/core";
import type { Io } from "./io.js";
import { withContext } from "./context.js";
import { dataOption, dbOption, serverOption } from "./options.js";
import { createSmsStates } from "../sms/state.js";
import { SMS_FIGURES, smsFigure, type SmsFigureName } from "../sms/figures.js";

// A figure as a person reads it: at most two decimals (7.8333 hours shows as 7.83); --json gives the exact value.
const shown = (v: number): string => String(Math.round(v * 100) / 100);

type Figure = Record<string, unknown>;
interface Ref {
  type: string;
  id: string;
  index: number;
}

const refs = (list: readonly Ref[] | undefined) => (list ?? []).map((r) => `${r.id}#${r.index}`).join(" ");

// A short reading of each figure; --json gives it whole.
const TEXT: Record<SmsFigureName, (f: Figure) => string> = {
  summary: (f) =>
    Object.entries(f.records as Record<string, number>)
      .filter(([, n]) => n > 0)
      .map(([t, n]) => `${t.padEnd(24)} ${n}\n`)
      .join("") + `set aside: ${(f.invalid as unknown[]).length}, replays: ${(f.replays as unknown[]).length}, withheld (redacted): ${(f.withheld as unknown[]).length}\n`,
  readiness: (f) => {
    const items = f.items as { passed: boolean; name: string; missing?: string[]; refs: Ref[] }[];
    return `readiness on ${String(f.asOf)}: ${String(f.passed)} of ${items.length} items\n` + items.map((i) => `${i.passed ? "pass" : "FAIL"}  ${i.name}${i.passed ? "" : `: ${(i.missing ?? []).join("; ")}`}\n`).join("");
  },
  gaps: (f) =>
    (f.gaps as { detected: boolean; name: string; findings: { message: string; refs: Ref[] }[] }[])
      .map((g) => `${g.detected ? "GAP " : "ok  "}  ${g.name}\n` + g.findings.map((x) => `        ${x.message} ${refs(x.refs)}\n`).join(""))
      .join(""),
  kpis: (f) => {
    const p = f.period as { from: string; to: string };
    return `KPIs ${p.from} to ${p.to}\n` + (f.kpis as { name: string; value: number | null; unit: string }[]).map((k) => `${k.name.padEnd(56)} ${k.value === null ? "no data" : `${shown(k.value)} ${k.unit}`}\n`).join("");
  },
  maturity: (f) =>
    `maturity on ${String(f.asOf)}\n` +
    (f.groups as { group: string; title: string; level: number }[]).map((g) => `clause ${g.group.padEnd(4)} ${g.title.padEnd(32)} level ${g.level}\n`).join("") +
    (f.domains as { title: string; level: number; applicable: boolean }[]).map((d) => `domain      ${d.title.padEnd(32)} ${d.applicable ? `level ${d.level}` : "not applicable"}\n`).join("") +
    (f.clauses as { clause: string; title: string; status: string }[]).map((c) => `${c.clause.padEnd(6)} ${c.title.padEnd(56)} ${c.status}\n`).join(""),
  due: (f) =>
    `due on ${String(f.asOf)}: ${String(f.overdue)} overdue\n` +
    (f.owners as { owner: string; items: { due: string; overdue: boolean; title: string; ref: Ref }[] }[])
      .map((o) => `${o.owner}\n` + o.items.map((i) => `  ${i.due} ${i.overdue ? "OVERDUE" : "       "} ${i.title} (${i.ref.id}#${i.ref.index})\n`).join(""))
      .join(""),
};

/**
 * Register the figure commands under `sealtrail sms`.
 *
 * @example
 * ```ts
 * registerSmsFigureCommands(sms, io);
 * ```
 */
export function registerSmsFigureCommands(sms: Command, io: Io): void {
  for (const name of SMS_FIGURES) {
    const c = sms
      .command(name)
      .description(`the vault's SMS ${name}, computed from its records`)
      .addOption(dataOption())
      .addOption(dbOption())
      .addOption(serverOption())
      .option("--vault <name>", "vault", "default")
      .option("--json", "print the whole figure as JSON, with the records it cites");
    if (name === "kpis") {
      c.option("--period <p>", "a month (2026-05), a quarter (2026-Q2) or a year (2026)")
        .option("--from <date>", "first day, YYYY-MM-DD")
        .option("--to <date>", "last day, YYYY-MM-DD")
        .option("--trend <unit>", "month or quarter")
        .option("--count <n>", "earlier periods in the trend");
    } else if (name !== "summary") c.option("--as-of <date>", "the evaluation day, YYYY-MM-DD (default: today)");
    c.action(async (o: { data: string; db?: string; server?: string; vault: string; json?: boolean; asOf?: string; period?: string; from?: string; to?: string; trend?: string; count?: string }) => {
      const q = Object.fromEntries(
        Object.entries({ asOf: o.asOf, period: o.period, from: o.from, to: o.to, trend: o.trend, count: o.count }).filter(([, v]) => v !== undefined),
      ) as Record<string, string>;
      const today = new Date().toISOString().slice(0, 10);
      const figure =
        o.server !== undefined && o.server !== ""
          ? await createClient({ baseUrl: o.server, apiKey: process.env.SEALTRAIL_API_KEY ?? "" }).sms.figures(o.vault, name, q)
          : await withContext(o, async (ctx) => smsFigure(await createSmsStates(ctx.store).of(o.vault), name, q, today));
      io.out(o.json ? JSON.stringify(figure, null, 2) + "\n" : TEXT[name](figure));
    });
  }
}
