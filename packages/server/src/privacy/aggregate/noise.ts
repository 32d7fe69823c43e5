import { randomBytes } from 'node:crypto';

/** Uniform doubles in (0, 1]. Injectable so tests can seed it; a CSPRNG by default. */
export interface UniformSource {
  next(): number;
}

const TWO_53 = 2 ** 53;

/** 53 bits from node:crypto randomBytes: (n + 1) / 2^53, never 0 (the logarithm below needs it). */
export const cryptoUniform: UniformSource = {
  next: () => Number(randomBytes(8).readBigUInt64BE() >> 11n) / TWO_53 + 1 / TWO_53,
};

/**
 * Geometric on {0, 1, 2 …} with P(G ≥ k) = a^k, by inversion: G = ⌊ln U / ln a⌋ for U uniform
 * in (0, 1], since P(⌊ln U / ln a⌋ ≥ k) = P(U ≤ a^k) = a^k.
 */
export function geometric(uniform: UniformSource, a: number): number {
  return Math.floor(Math.log(uniform.next()) / Math.log(a));
}

/**
 * Discrete Laplace (two-sided geometric, Ghosh–Roughgarden–Sundararajan 2009) with
 * P(X = k) ∝ a^|k|, a = exp(-ε/Δ): the difference of two independent geometric variables.
 * Adding it to an integer query of L1 sensitivity Δ gives ε-differential privacy.
 */
export function discreteLaplace(uniform: UniformSource, epsilon: number, sensitivity: number): number {
  if (!(epsilon > 0) || !(sensitivity > 0)) throw new RangeError('epsilon and sensitivity must be positive');
  const a = Math.exp(-epsilon / sensitivity);
  return geometric(uniform, a) - geometric(uniform, a);
}

/** The distribution's own moments, for tests and docs: P(X = 0) and the variance. */
export function discreteLaplaceMoments(epsilon: number, sensitivity: number): { p0: number; variance: number } {
  const a = Math.exp(-epsilon / sensitivity);
  return { p0: (1 - a) / (1 + a), variance: (2 * a) / (1 - a) ** 2 };
}
