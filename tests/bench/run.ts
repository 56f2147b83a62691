import { benchApprovalRoundtrip } from './approval-roundtrip';
import { benchDiff } from './diff';
import { benchHistory } from './history';
import { benchIngestLatency } from './ingest-latency';
import { benchIngest } from './ingest';
import { benchPtyThroughput } from './pty-throughput';
import { benchRuleEvaluation } from './rule-evaluation';
import { benchScanContention } from './scan-contention';
import { benchStartup } from './startup';
import { benchStatus } from './status';
import { benchSync } from './sync';
import { benchWorktreeCreate } from './worktree-create';

// `npm run bench`: every benchmark, each against its baseline in the same run. CI does not run these.
const benches: Record<string, () => Promise<void>> = {
  startup: benchStartup,
  'pty-throughput': benchPtyThroughput,
  'approval-roundtrip': benchApprovalRoundtrip,
  diff: benchDiff,
  ingest: benchIngest,
  'ingest-latency': benchIngestLatency,
  'rule-evaluation': benchRuleEvaluation,
  sync: benchSync,
  status: benchStatus,
  history: benchHistory,
  'worktree-create': benchWorktreeCreate,
  'scan-contention': benchScanContention,
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const [name, bench] of Object.entries(benches)) {
    if (only.length > 0 && !only.includes(name)) continue;
    await bench();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
