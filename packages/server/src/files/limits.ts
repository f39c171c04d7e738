/**
 * Limits on attached files, configurable per server (`serve` options). The
 * schema in core caps attachments at MAX_ATTACHMENTS per record; a server
 * may allow fewer, never more.
 */
import { MAX_ATTACHMENTS } from "@sealtrail/core";
import { DEFAULT_MEDIA_TYPES } from "./media-type.js";

/** What a server accepts as attached files. */
export interface FileLimits {
  /** Largest file, in bytes (default 256 MiB). */
  readonly maxBytes: number;
  /** Most attachments one record may name (default 64, core's schema limit). */
  readonly maxPerRecord: number;
  /** Allowed declared media types: exact names, `type/*` or `*\/*` (default DEFAULT_MEDIA_TYPES). */
  readonly mediaTypes: readonly string[];
}

/** 256 MiB: a scanned audit report or a seal photo series, not a video archive. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

/** The limits when none are configured. */
export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxBytes: DEFAULT_MAX_FILE_BYTES,
  maxPerRecord: MAX_ATTACHMENTS,
  mediaTypes: DEFAULT_MEDIA_TYPES,
};
