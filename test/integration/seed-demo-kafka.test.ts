// The namespace seed demo with both agents reading the log from a Kafka topic
// (status in a file: store given with --status): see remote-seed-demo.ts.
import { runRemoteSeedDemo } from './remote-seed-demo';

runRemoteSeedDemo('kafka');
