import { getMetadataStorage, ValidationError } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** A string field that declares no length of its own (an enum, a uuid…) takes at most this. */
export const DEFAULT_STRING_CAP = 1024;
/** A uuid: 8-4-4-4-12 hex digits. */
const UUID_LENGTH = 36;

/**
 * The cap, in UTF-16 code units, that a field's declared rules allow. MaxLength counts characters
 * (a surrogate pair is one), so its cap here is twice its limit: whatever is longer than that
 * fails MaxLength anyway, and nothing shorter is refused that MaxLength would accept.
 */
function capOf(rules: ValidationMetadata[]): number {
  const caps = rules.flatMap((rule): number[] => {
    switch (rule.name) {
      case 'maxLength':
        return [2 * Number(rule.constraints[0])];
      case 'matchesBounded':
      case 'isTimestamp':
        return [Number(rule.constraints[1])];
      case 'isUuid':
        return [UUID_LENGTH];
      default:
        return [];
    }
  });
  return caps.length ? Math.min(...caps) : DEFAULT_STRING_CAP;
}

function tooLong(property: string, cap: number, children: ValidationError[] = []): ValidationError {
  const error = new ValidationError();
  error.property = property;
  error.children = children;
  if (!children.length) error.constraints = { stringCap: `${property} must be at most ${cap} characters long` };
  return error;
}

/** Each validated property of a class with its cap, worked out once per class (its rules are fixed when it is declared). */
const capsByClass = new WeakMap<object, [string, number][]>();

function capsOf(target: object): [string, number][] {
  let caps = capsByClass.get(target);
  if (!caps) {
    const rules = getMetadataStorage().getTargetValidationMetadatas(target as new () => object, '', true, false);
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const rule of rules) byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
    caps = [...byProperty].map(([property, propertyRules]) => [property, capOf(propertyRules)]);
    capsByClass.set(target, caps);
  }
  return caps;
}

/**
 * Strings longer than their field allows, found before class-validator runs any rule: its rules
 * (MaxLength included, through validator.js) run regular expressions over the whole value, and
 * every rule of a property runs whatever their order. So no request string reaches a regex longer
 * than its field's cap (DEFAULT_STRING_CAP when it declares none); docs/security.md says so.
 * Walks nested DTOs (ValidateNested) and arrays as class-validator does.
 */
export function oversizedStrings(object: object): ValidationError[] {
  const errors: ValidationError[] = [];
  for (const [property, cap] of capsOf(object.constructor)) {
    const value = (object as Record<string, unknown>)[property];
    if (typeof value === 'string') {
      if (value.length > cap) errors.push(tooLong(property, cap));
    } else if (Array.isArray(value)) {
      const children = value.flatMap((item: unknown, index): ValidationError[] => {
        if (typeof item === 'string') return item.length > cap ? [tooLong(String(index), cap)] : [];
        if (item && typeof item === 'object') {
          const nested = oversizedStrings(item);
          return nested.length ? [tooLong(String(index), cap, nested)] : [];
        }
        return [];
      });
      if (children.length) errors.push(tooLong(property, cap, children));
    } else if (value && typeof value === 'object') {
      const nested = oversizedStrings(value);
      if (nested.length) errors.push(tooLong(property, cap, nested));
    }
  }
  return errors;
}
