/**
 * `sealtrail demo`: build the demo supply chain's vault (docs in README,
 * "Try it"), then say what it holds and how to explore it.
 */
import { Option, type Command } from "commander";
import { describeLocation } from "../main.js";
import { buildDemo } from "../demo/build-demo.js";
import { createSmsStates } from "../sms/state.js";
import { smsFigure } from "../sms/figures.js";
import type { Io } from "./io.js";
import { withContext } from "./context.js";
import { dataOption, dbOption } from "./options.js";

const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/**
 * Register `sealtrail demo`.
 *
 * @example
 * ```ts
 * registerDemoCommand(program, io);
 * ```
 */
export function registerDemoCommand(program: Command, io: Io): void {
  program
    .command("demo")
    .description("build a demo vault: a manufacturer's SMS, its carriers, warehouse, port terminal and certification body, and a year of their records")
    .addOption(dataOption())
    .addOption(dbOption())
    .option("--vault <name>", "vault to build it in (must not exist yet)", "demo")
    .addOption(
      new Option("--today <date>", "the last day of the demo's year, YYYY-MM-DD (default: today)").argParser((v) => {
        if (!DATE.test(v)) throw new Error(`--today: ${v} is not a date YYYY-MM-DD`);
        return v;
      }),
    )
    .option("--json", "print JSON")
    .action(async (o: { data: string; db?: string; vault: string; today?: string; json?: boolean }) => {
      await withContext(
        o,
        async (ctx) => {
          const r = await buildDemo(ctx, { vault: o.vault, ...(o.today !== undefined ? { today: o.today } : {}) });
          const state = await createSmsStates(ctx.store).of(r.vault);
          const readiness = smsFigure(state, "readiness", { asOf: r.today }, r.today) as { passed?: number; items?: unknown[] };
          const gaps = smsFigure(state, "gaps", { asOf: r.today }, r.today) as { gaps?: { detected?: boolean }[]; detected?: number };
          const figures = { readiness: { passed: readiness.passed, items: readiness.items?.length }, gapsDetected: gaps.detected ?? gaps.gaps?.filter((g) => g.detected).length };
          if (o.json) {
            io.out(JSON.stringify({ ...r, location: describeLocation(o), figures }) + "\n");
            return;
          }
          io.out(`demo vault "${r.vault}" built in ${describeLocation(o)}, as of ${r.today}\n`);
          io.out(`organisations: ${r.organisations.join(", ")}\n`);
          io.out(`records: ${r.smsRecords} SMS records, ${r.custodyEvents} custody events (${r.custodyIncidents} incidents opened from custody exceptions); log size ${r.treeSize}\n`);
          io.out(`readiness: ${figures.readiness.passed ?? "?"} of ${figures.readiness.items ?? "?"} items pass; common gaps detected: ${figures.gapsDetected ?? "?"}\n`);
          io.out(`explore it: sealtrail sms readiness --data ${o.data} --vault ${r.vault}  (or gaps, kpis, maturity, due)\n`);
          io.out(`serve it:   sealtrail serve --data ${o.data}   (npm start serves ./data)\n`);
          if (r.apiKey !== null) io.out(`operator API key (shown once, keep it safe): ${r.apiKey}\n`);
        },
        { mustExist: false },
      );
    });
}
