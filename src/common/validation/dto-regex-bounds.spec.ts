import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BadRequestException } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { createValidationPipe } from '../http/validation.pipe';

const SRC = join(__dirname, '../..');
const HUGE = 40_000;
/** Twice the longest MaxLength of any DTO field (2048): MaxLength counts surrogate pairs as one. */
const REGEX_INPUT_CAP = 4096;

function dtoFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return dtoFiles(path);
    return /\/dto\/[^/]+\.ts$/.test(path) && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every class with validation rules, from every file under src/modules/**\/dto and src/common. */
function validatedClasses(): [string, new () => object][] {
  const exported = new Set<unknown>();
  for (const file of [...dtoFiles(join(SRC, 'modules')), join(SRC, 'common/pagination/page.ts')]) {
    for (const value of Object.values(require(file) as Record<string, unknown>)) exported.add(value); // eslint-disable-line @typescript-eslint/no-require-imports
  }
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<new () => object, unknown> };
  // Only the request DTOs: a DTO file may load other validated classes (the environment's schema),
  // which the request pipe never sees.
  return [...storage.validationMetadatas.keys()].filter((target) => exported.has(target)).map((target) => [target.name, target]);
}

/** The length of the longest input any regular expression sees while `run` runs. */
async function longestRegexInput(run: () => Promise<unknown>): Promise<number> {
  const original = RegExp.prototype.exec; // test, match, replace and search all go through exec
  let longest = 0;
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    longest = Math.max(longest, String(input).length);
    return original.call(this, input);
  };
  try {
    await run();
  } finally {
    RegExp.prototype.exec = original;
  }
  return longest;
}

describe('every string field of every DTO is length-capped before any regex', () => {
  const classes = validatedClasses();

  it('finds the DTOs', () => {
    expect(classes.length).toBeGreaterThan(30);
  });

  it.each(classes)('%s: 40,000 characters in every field (and in arrays) are refused without a regex seeing them', async (_name, target) => {
    const properties = new Set(getMetadataStorage().getTargetValidationMetadatas(target, '', true, false).map((rule) => rule.propertyName));
    for (const huge of ['T'.repeat(HUGE), ['T'.repeat(HUGE)]]) {
      const plain = Object.fromEntries([...properties].map((property) => [property, huge]));
      let refusal: unknown;
      const longest = await longestRegexInput(() =>
        createValidationPipe()
          .transform(plain, { type: 'body', metatype: target })
          .catch((error: unknown) => (refusal = error)),
      );
      expect(refusal).toBeInstanceOf(BadRequestException);
      expect(longest).toBeLessThanOrEqual(REGEX_INPUT_CAP);
    }
  });
});
