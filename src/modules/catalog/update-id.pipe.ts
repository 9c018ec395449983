import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { UUID_PATTERN } from './sync/feed-item.validator';

/**
 * An updateId path parameter. Upstreams name updates with any 8-4-4-4-12 hex id (vendors' GUIDs
 * need not carry RFC 9562 version and variant bits, which Nest's ParseUUIDPipe demands), compared
 * case-insensitively: the catalog stores them in lowercase.
 */
@Injectable()
export class ParseUpdateIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
      throw new BadRequestException({ code: 'invalid_update_id', message: 'updateId must be a uuid (8-4-4-4-12 hex digits)' });
    }
    return value.toLowerCase();
  }
}
