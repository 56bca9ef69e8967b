// The seed demo fixture as documents and as a folded state, for tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { ClusterState } from '../../compiler/fold/state';
import { foldEvents, putEvents, stateFrom } from '../compiler/policy/build-state';

export const repoRoot = (): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
};

export const fixtureDocs = (name: string): object[] =>
  YAML.parseAllDocuments(fs.readFileSync(path.join(repoRoot(), 'fixtures', name), 'utf8')).map((d) => d.toJSON() as object);

export const seedDemoState = (): ClusterState => stateFrom(fixtureDocs('seed-demo.yaml'));

/** The seed demo plus the policy change that opens A → C on TCP 80. */
export const seedDemoOpenedState = (): ClusterState => {
  const base = fixtureDocs('seed-demo.yaml');
  const events = putEvents([...base, ...fixtureDocs('seed-demo-open-a-to-c.yaml')]);
  return foldEvents(events);
};
