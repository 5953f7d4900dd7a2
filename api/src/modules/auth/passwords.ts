import { hash, verify } from '@node-rs/argon2';

/** argon2id (`Algorithm.Argon2id` is a const enum, which swc cannot inline from a .d.ts). */
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, OPTIONS);

/** A hash to verify against when the account does not exist, so timing does not reveal which emails are registered. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    await verify(await (decoy ??= hashPassword('decoy password for timing')), password);
    return false;
  }
  return verify(passwordHash, password);
}
