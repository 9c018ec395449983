import { ArgumentMetadata, BadRequestException, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidatorOptions } from 'class-validator';
import { oversizedStrings } from '../validation/string-caps';

/** An absent value fails every rule of its field; when the field is required, that alone is said. */
function constraintsOf(error: ValidationError): Record<string, string> {
  const constraints = error.constraints ?? {};
  if ((error.value === undefined || error.value === null) && constraints.isDefined) return { isDefined: constraints.isDefined };
  return constraints;
}

function flatten(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(constraintsOf(error)).map((message) => ({ field, message }));
    return own.concat(flatten(error.children ?? [], field));
  });
}

const isEmptyPlainObject = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && Object.keys(value).length === 0);

/**
 * A DTO class with a `precheck` checks a whole body in one pass, for a hot route: what it accepts
 * skips class-transformer and class-validator. It must accept only what the class's rules accept,
 * made as class-transformer makes it, and answer null for anything else (validated by the rules, for
 * their errors).
 */
export interface PrecheckedDto {
  precheck(value: unknown): object | null;
}

const precheckOf = (metatype: Type | undefined): PrecheckedDto['precheck'] | undefined => {
  const precheck = (metatype as Partial<PrecheckedDto> | undefined)?.precheck;
  return typeof precheck === 'function' ? precheck.bind(metatype) : undefined;
};

/**
 * An empty body (`{}` or none: the usual check-in) is validated once per DTO class: its result
 * cannot change, and class-validator's walk over the class's rules costs more than the rest of an
 * unchanged check-in. A class that refuses an empty body is validated every time, for its errors.
 */
class ContractValidationPipe extends ValidationPipe {
  private readonly emptyPasses = new Map<Type, boolean>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    const precheck = precheckOf(metatype);
    if (precheck && this.toValidate(metadata)) {
      const accepted = precheck(value);
      if (accepted) return accepted;
    }
    if (!metatype || !isEmptyPlainObject(value) || !this.toValidate(metadata)) return super.transform(value, metadata);
    let passes = this.emptyPasses.get(metatype);
    if (passes === undefined) {
      passes = await super.transform({}, metadata).then(
        () => true,
        () => false,
      );
      this.emptyPasses.set(metatype, passes);
    }
    return passes ? plainToInstance(metatype, {}, this.transformOptions) : super.transform(value, metadata);
  }

  /** Every string is length-capped before any rule (and so any regex) sees it (string-caps.ts). */
  protected override validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> | ValidationError[] {
    const oversized = oversizedStrings(object);
    return oversized.length ? oversized : super.validate(object, validatorOptions);
  }
}

/** DTOs are the contract: unknown fields are refused, types converted, every problem listed. */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({ code: 'validation_failed', detail: 'The request is not valid', errors: flatten(errors) }),
  });
}
