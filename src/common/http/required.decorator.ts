import { IsDefined } from 'class-validator';

/**
 * A required field. When it is missing (or null) the answer names only this, not every other rule
 * of the field failing on nothing ("must be a string", "must not contain control characters", …):
 * the validation pipe keeps just the `isDefined` error of an absent value (validation.pipe.ts).
 */
export const Required = (hint = '') => IsDefined({ message: `$property is required${hint ? `: ${hint}` : ''}` });
