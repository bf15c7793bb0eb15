// How the linear-time matcher (transactional id / group patterns) scales on a pattern that
// makes a backtracking engine exponential: time per input character for inputs of 2, 4, 8 and
// 16 thousand characters, as ratios against the shortest. Linear time keeps the ratios near 1;
// the native RegExp is shown on the short input that it can still finish.
// Target: ratio at 16k <= 2 (the unit tests only check that a match completes at all).
import { compileLinearRegExp } from '../../src/util/index.js';

const re = compileLinearRegExp('(a+)+')!;
const SIZES = [2000, 4000, 8000, 16000];

function nsPerChar(input: string, rounds: number): number {
  for (let i = 0; i < 3; i++) re.test(input); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) re.test(input);
  return Number(process.hrtime.bigint() - t0) / rounds / input.length;
}

const perChar = SIZES.map((n) => nsPerChar(`${'a'.repeat(n)}!`, Math.max(5, 80_000 / n)));
const base = perChar[0]!;
for (let i = 0; i < SIZES.length; i++) {
  const ratio = perChar[i]! / base;
  console.log(
    `linear-regexp (a+)+ on ${SIZES[i]} chars: ${perChar[i]!.toFixed(0)} ns/char, ` +
      `ratio ${ratio.toFixed(2)} vs ${SIZES[0]} chars${ratio > 2 ? '  ABOVE TARGET 2' : ''}`,
  );
}
const native = /^(a+)+$/;
const t0 = process.hrtime.bigint();
native.test(`${'a'.repeat(22)}!`);
const nativeMs = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`native RegExp, same pattern, 22 chars: ${nativeMs.toFixed(1)} ms (doubles per char)`);
