// The namespace seed demo with both agents reading the log from an etcd prefix
// (status in etcd, beside the log): see remote-seed-demo.ts.
import { runRemoteSeedDemo } from './remote-seed-demo';

runRemoteSeedDemo('etcd');
