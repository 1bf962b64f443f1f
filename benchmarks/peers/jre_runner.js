// json-rules-engine side of peers_bench.py: reads {rules, turns} (JSON) from the file named on the
// command line, runs every turn's facts through one Engine holding all rules, and prints
// {fired: [[rule ids] per turn], cpu_s} — CPU time of this process for the evaluation loop only.
'use strict';
const fs = require('fs');
const { Engine } = require('json-rules-engine');

async function main() {
  const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const rule of input.rules) engine.addRule(rule);
  if (input.warm) {  // an untimed pass first: V8's JIT and the engine's caches warm, as in a long-running service
    for (const facts of input.turns) await engine.run(facts);
  }
  const fired = [];
  const start = process.cpuUsage();
  for (const facts of input.turns) {
    const { events } = await engine.run(facts);
    fired.push(events.map((e) => e.type));
  }
  const used = process.cpuUsage(start);
  process.stdout.write(JSON.stringify({ fired, cpu_s: (used.user + used.system) / 1e6 }));
}

main().catch((err) => { console.error(err); process.exit(1); });
