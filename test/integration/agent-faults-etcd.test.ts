// Agents reading an etcd log while a private etcd is SIGKILLed and restarted,
// or is down when an agent starts: see agent-faults.ts.
import { runAgentFaults } from './agent-faults';

runAgentFaults('etcd');
