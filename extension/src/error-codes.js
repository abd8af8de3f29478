// The host's error codes, by name. The Java enum org.bitweb.messaging.ErrorCode is their
// source of truth (docs/PROTOCOL.md lists the same table); test/error-codes.test.js reads
// the enum's source and fails when this copy differs from it. Append only, like the enum:
// extensions in the field compare these numbers.
//
// A module, not a .json file: JSON modules need import attributes, which Chrome 111 (our
// minimum) cannot parse.

export const ErrorCode = Object.freeze({
  INTERNAL: 1,
  BAD_JSON: 2,
  BAD_REQUEST: 3,
  UNKNOWN_ACTION: 4,
  FRAME_TOO_LARGE: 5,
  NOT_FOUND: 6,
  ENGINE_UNAVAILABLE: 7,
  PUBLISH_FAILED: 8,
  BAD_ADDRESS: 9,
  NOT_READY: 10,
  BAD_SETTING: 11,
  COMMENT_REFUSED: 12,
  NOT_OWNER: 13,
});
