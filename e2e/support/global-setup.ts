/** Bundle the harness pages once before the browser tests run. */
import { buildPages } from './serve.ts';

export default async function globalSetup(): Promise<void> {
  await buildPages(['journal']);
}
