// Agents reading a Kafka log while a private broker is SIGKILLed and restarted,
// or is down when an agent starts: see agent-faults.ts.
import { runAgentFaults } from './agent-faults';

runAgentFaults('kafka');
