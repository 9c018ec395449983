import { registerDecorator, ValidationArguments } from 'class-validator';

/** Why `url` cannot be the URL of an upstream of `kind` read over `schemes`, or null. */
export function upstreamUrlProblem(kind: string, schemes: readonly string[], url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute URL';
  }
  if (!schemes.includes(parsed.protocol)) return `url of a ${kind} upstream must be ${schemes.map((s) => `${s}//`).join(', ')}`;
  if (parsed.username || parsed.password) return 'url must not carry credentials; give the token instead';
  if (parsed.protocol === 'file:' && parsed.host) return 'url must be a local file:/// URL';
  return null;
}

/** class-validator decorator: the property is a URL an upstream of `kind` can be read from. */
export function IsUpstreamUrl(kind: string, schemes: readonly string[]) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isUpstreamUrl',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length <= 2048 && upstreamUrlProblem(kind, schemes, value) === null,
        defaultMessage: (args: ValidationArguments) =>
          typeof args.value === 'string'
            ? args.value.length > 2048
              ? 'url must be at most 2048 characters'
              : (upstreamUrlProblem(kind, schemes, args.value) ?? 'url is invalid')
            : 'url must be a string',
      },
    });
}
