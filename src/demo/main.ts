/**
 * `npx tsx src/demo/main.ts`: print the terminal demo of the core. The exit code is 1 if the
 * demo's own checks fail (unbalanced books, or books that depend on arrival order),
 * so a broken core cannot look like a working demo.
 */
import { trialBalance } from '../core/queries.ts';
import { runDemo } from './demo.ts';
import { DEMO_DAY } from './store-day.ts';

const demo = runDemo();
console.log(demo.lines.join('\n'));
const tb = trialBalance(demo.ledger, DEMO_DAY);
if (!demo.sameBooksInAnyOrder || tb.debitTotal !== tb.creditTotal) process.exitCode = 1;
