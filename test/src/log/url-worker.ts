// The Kafka and etcd suites start the same worker as the SQLite tests.
export { startWorker as startUrlWorker } from './worker-process';
