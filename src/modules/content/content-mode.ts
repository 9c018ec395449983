/** How Patchgate handles update files (docs/design.md §1 "Content"). */
export const CONTENT_MODES = ['none', 'on_approval', 'all'] as const;
export type ContentMode = (typeof CONTENT_MODES)[number];

/** Where one file, or all the files of an update, stand in the content store. */
export const CONTENT_STATES = ['pending', 'stored', 'failed'] as const;
export type ContentState = (typeof CONTENT_STATES)[number];

/** The modes in which Patchgate downloads files and offers its own URLs for them. */
export const isStoringMode = (mode: ContentMode): boolean => mode !== 'none';

/** Where a computer downloads a stored file: `<base>/content/v1/files/<sha256>`. */
export const contentFileUrl = (baseUrl: string, sha256: string): string => `${baseUrl}/content/v1/files/${sha256.toLowerCase()}`;
