import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { boundedRegex } from '../../common/validation/bounded-match';
import { UPDATE_ID_LENGTH, UUID_PATTERN } from '../../common/validation/is-update-id';

/**
 * An updateId path parameter. Upstreams name updates with any 8-4-4-4-12 hex id (vendors' GUIDs
 * need not carry RFC 9562 version and variant bits, which Nest's ParseUUIDPipe demands), compared
 * case-insensitively: the catalog stores them in lowercase. The body and query twin is IsUpdateId.
 */
@Injectable()
export class ParseUpdateIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!boundedRegex.test(UUID_PATTERN, value, UPDATE_ID_LENGTH)) {
      throw new BadRequestException({ code: 'invalid_update_id', message: 'updateId must be a uuid (8-4-4-4-12 hex digits)' });
    }
    return value.toLowerCase();
  }
}
