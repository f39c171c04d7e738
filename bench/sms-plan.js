/**
 * The records of the sms-ingest benchmark: a realistic SMS (controls, risks
 * naming controls, incidents naming risks, residual-risk acceptances by the
 * risk owner, new versions of earlier records) that passes every schema and
 * rule, in two waves of requests, and its plain twin.
 */

const PLAIN_TYPE = "bench.note";

// A small deterministic generator (mulberry32), so every run sends the same records.
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SITES = ["Rotterdam yard", "Antwerp gate 4", "Duisburg rail hub", "Venlo cross-dock", "Hamburg CT Burchardkai"];

function control(id, n, org) {
  return {
    id,
    title: `Tamper-evident seals checked at ${SITES[n % SITES.length]}`,
    domain: ["cargo", "physical", "procedural", "transport"][n % 4],
    catalogueControl: "cargo.seal-register",
    description: "ISO 17712 H seals on every loaded container; seal numbers logged at loading and checked at each handoff.",
    owner: { name: "Site security officer", org },
    applicable: true,
    justification: "Container theft and tampering are the top risks of the site.",
    status: "operating",
    implementation: [{ date: "2026-03-01", description: `Seal register in use at gates 1-${(n % 6) + 1}` }],
  };
}

function risk(id, n, org, controls) {
  return {
    id,
    title: `Theft of high-value cargo at ${SITES[n % SITES.length]}`,
    subject: { kind: "node", name: SITES[n % SITES.length] },
    threat: "Organised cargo theft at night",
    vulnerability: `Unlit fence line on the ${["north", "east", "south", "west"][n % 4]} side`,
    domains: ["physical", "cargo"],
    inherent: { likelihood: (n % 5) + 1, consequence: ((n * 3) % 5) + 1 },
    treatment: "reduce",
    controls,
    residual: { likelihood: 2, consequence: (n % 3) + 2 },
    owner: { name: "Head of operations", org },
    assessed: "2026-03-10",
    status: "treated",
  };
}

function incident(id, n, risks, status = "open") {
  return {
    id,
    title: `Broken seal found on arrival at ${SITES[n % SITES.length]}`,
    category: ["tampering", "theft", "custody", "unauthorised-access"][n % 4],
    severity: ["low", "medium", "high"][n % 3],
    status,
    source: "manual",
    node: { name: SITES[n % SITES.length] },
    detected: `2026-03-${String((n % 28) + 1).padStart(2, "0")}T08:15:00.000Z`,
    risks,
  };
}

function acceptance(id, riskId, riskPayload) {
  return {
    id,
    risk: riskId,
    residual: riskPayload.residual,
    acceptedBy: { name: "Managing director", org: riskPayload.owner.org },
    justification: "Residual risk within appetite after the seal and lighting controls.",
    accepted: "2026-04-01",
    expires: "2027-04-01",
  };
}

/**
 * The SMS records of one run, as two waves of requests. Wave 1: blocks of
 * ten (2 controls, 6 risks naming them, 2 incidents naming a risk), each
 * request naming only its own records. Wave 2: blocks of ten (3 new
 * versions of wave-1 records, 4 risks naming 2 stored controls, 2 incidents
 * naming 2 stored risks, 1 acceptance of a stored risk by its owner).
 * `supersedes` holds the position of the wave-1 record it replaces.
 */
export function smsPlan(total, requestSize, authors, seed) {
  const rnd = random(seed);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const requests = Math.ceil(total / requestSize);
  const wave1Requests = Math.ceil(requests / 2);
  const wave1Count = Math.min(total, wave1Requests * requestSize);
  const wave1 = [];
  const controls = [];
  const risks = [];
  const at = (author) => ({ author, subjects: [`site:${authors[author].org}-yard`] });
  for (let r = 0; wave1.length < wave1Count; r++) {
    const size = Math.min(requestSize, wave1Count - wave1.length);
    for (let k = 0; k < size; k++) {
      const pos = wave1.length;
      const author = pos % authors.length;
      const org = authors[author].org;
      const slot = k % 10;
      if (slot < 2) {
        wave1.push({ ...at(author), type: "sms.control", payload: control(`C-${pos}`, pos, org) });
        controls.push(pos);
      } else if (slot < 8) {
        // The block's two controls, stored just before it.
        const named = [`C-${pos - slot}`, `C-${pos - slot + 1}`];
        wave1.push({ ...at(author), type: "sms.risk", payload: risk(`R-${pos}`, pos, org, named) });
        risks.push(pos);
      } else {
        wave1.push({ ...at(author), type: "sms.incident", payload: incident(`I-${pos}`, pos, [`R-${pos - slot + 2}`]) });
      }
    }
  }
  // Wave-1 records in a shuffled order: each gets at most one new version.
  const versionable = wave1.map((_, i) => i);
  for (let i = versionable.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [versionable[i], versionable[j]] = [versionable[j], versionable[i]];
  }
  const wave2 = [];
  for (let k = 0; wave1.length + wave2.length < total; k++) {
    const pos = wave1.length + wave2.length;
    const slot = k % requestSize % 10;
    const author = pos % authors.length;
    const org = authors[author].org;
    if (slot < 3 && versionable.length > 0) {
      const old = versionable.pop();
      const prev = wave1[old];
      const p = prev.payload;
      const payload =
        prev.type === "sms.incident"
          ? { ...p, status: "investigating", responded: "2026-03-29T10:00:00.000Z" }
          : prev.type === "sms.risk"
            ? { ...p, assessed: "2026-04-15", reviewDue: "2026-10-15" }
            : { ...p, implementation: [...p.implementation, { date: "2026-04-02", description: "Seal checks extended to the rail gate" }] };
      // A new version comes from the author of the first (the risk's owner, for a risk).
      wave2.push({ author: prev.author, subjects: prev.subjects, type: prev.type, payload, supersedes: old });
    } else if (slot < 7) {
      const a = pick(controls);
      let b = pick(controls);
      while (b === a && controls.length > 1) b = pick(controls);
      wave2.push({ ...at(author), type: "sms.risk", payload: risk(`R-${pos}`, pos, org, a === b ? [`C-${a}`] : [`C-${a}`, `C-${b}`]) });
    } else if (slot < 9) {
      const a = pick(risks);
      let b = pick(risks);
      while (b === a && risks.length > 1) b = pick(risks);
      wave2.push({ ...at(author), type: "sms.incident", payload: incident(`I-${pos}`, pos, a === b ? [`R-${a}`] : [`R-${a}`, `R-${b}`]) });
    } else {
      // Accepted by the risk's owner, its author.
      const r = wave1[pick(risks)];
      wave2.push({ author: r.author, subjects: r.subjects, type: "sms.risk-acceptance", payload: acceptance(`A-${pos}`, r.payload.id, r.payload) });
    }
  }
  return { wave1, wave2 };
}

// The plain twin of an SMS record: the same author, subjects, supersession
// and payload (so of the same size and shape: canonicalising and committing
// to it cost the same), under a type no rules apply to.
export function plainTwin(spec) {
  return { ...spec, type: PLAIN_TYPE };
}
