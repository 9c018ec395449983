import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Regex tests made on request input. A test runs only on a string of at most its maxLength, so no
 * pattern ever sees an unbounded input (see docs/security.md, "Input validation").
 * Exported for the unit test, which counts what reaches the patterns.
 */
export const boundedRegex = {
  test(pattern: RegExp, value: unknown, maxLength: number): boolean {
    return typeof value === 'string' && value.length <= maxLength && pattern.test(value);
  },
};

/**
 * Like class-validator's Matches, but the length is checked first, in the same constraint: a value
 * longer than maxLength fails without the pattern being run (class-validator runs every constraint
 * of a property, whatever their order, so a separate MaxLength would not spare the regex).
 */
export function MatchesBounded(pattern: RegExp, maxLength: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'matchesBounded',
      constraints: [pattern, maxLength],
      validator: {
        validate: (value: unknown) => boundedRegex.test(pattern, value, maxLength),
        defaultMessage: buildMessage((each) => `${each}$property must be at most $constraint2 characters matching $constraint1`, options),
      },
    },
    options,
  );
}
