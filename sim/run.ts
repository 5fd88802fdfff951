/**
 * One simulated run: a world from a seed, a number of steps with every invariant
 * checked after each, then quiescence and the convergence checks. Deterministic:
 * the same options replay the same run, step for step.
 */
import { takeStep } from './actions.ts';
import { checkStep, InvariantFailure } from './invariants.ts';
import { quiesce } from './quiesce.ts';
import { SIM, World, type WorldOptions } from './world.ts';

export interface RunOptions extends WorldOptions {
  steps: number;
  /** Called with each step's note (for --trace). */
  trace?: (line: string) => void;
}

export interface RunFailure {
  step: number;
  invariant: string;
  message: string;
  /** The last steps before the failure, oldest first. */
  recent: string[];
}

export interface RunResult {
  options: RunOptions;
  world: World;
  /** Steps taken (less than asked when a step failed). */
  steps: number;
  failure?: RunFailure;
  quiescenceRounds?: number;
}

/** Run one seed to the end or to its first failed invariant. Never throws for a failure; returns it. */
export async function runSeed(options: RunOptions): Promise<RunResult> {
  const world = new World(options);
  const result: RunResult = { options, world, steps: 0 };
  try {
    await world.setup();
    await checkStep(world);
    for (let i = 1; i <= options.steps; i++) {
      world.nowMs += world.prng.int(0, 2 * SIM.meanStepMs);
      world.stepNo = i;
      await world.deliverDue();
      const { kind, note } = await takeStep(world);
      options.trace?.(`#${i} ${kind}: ${note ?? '(skipped)'}`);
      await checkStep(world);
      result.steps = i;
    }
    world.stepNo = options.steps + 1;
    result.quiescenceRounds = (await quiesce(world)).rounds;
  } catch (error) {
    result.failure = failureOf(world, error);
  }
  return result;
}

function failureOf(world: World, error: unknown): RunFailure {
  const recent = [...world.recent];
  if (error instanceof InvariantFailure) return { step: world.stepNo, invariant: error.invariant, message: error.message, recent };
  // Anything else thrown is a crash of the product or of the simulator: a failure too.
  const message = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  return { step: world.stepNo, invariant: 'no-throw', message, recent };
}

/** The command that replays a run exactly. */
export function replayCommand(options: RunOptions): string {
  const hubs = options.hubs === undefined ? '' : ` --hubs ${options.hubs}`;
  const credit = options.creditWindowFrames === undefined ? '' : ` --credit ${options.creditWindowFrames}`;
  return `npm run sim -- --seed ${options.seed} --steps ${options.steps} --tablets ${options.tablets}${hubs}${credit}`;
}
