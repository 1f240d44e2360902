// Runs once before all test files: fetch the sqld binary so parallel files never race to do it.
// @ts-expect-error plain ESM script without types
import { ensureSqld } from '../../scripts/fetch-sqld.mjs';

export default function setup(): void {
  ensureSqld();
}
