import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SchemaError, UnknownVersionError } from '../../errors.js';
import type { PullRequest, Review } from '../port.js';
import { isBotLogin } from './bot-login.js';

const RECORD_TAG = 'local-forge-pull-request/v1';
const STATUSES_TAG = 'local-forge-statuses/v1';

const Timestamp = Type.String({ minLength: 1 });
const Sha = Type.String({ pattern: '^[0-9a-f]{40}$' });

const CommentRecord = Type.Object(
  { id: Type.Integer({ minimum: 1 }), body: Type.String(), author: Type.String(), createdAt: Timestamp, updatedAt: Timestamp },
  { additionalProperties: false },
);

const ReviewRecordSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    reviewer: Type.String(),
    state: Type.Union([Type.Literal('APPROVED'), Type.Literal('CHANGES_REQUESTED'), Type.Literal('COMMENTED')]),
    body: Type.String(),
    commitSha: Sha,
    submittedAt: Timestamp,
  },
  { additionalProperties: false },
);

const PullRequestRecordSchema = Type.Object(
  {
    schema: Type.Literal(RECORD_TAG),
    number: Type.Integer({ minimum: 1 }),
    title: Type.String({ minLength: 1 }),
    body: Type.String(),
    head: Type.String({ minLength: 1 }),
    base: Type.String({ minLength: 1 }),
    /** The head commit when the record was last written; used once the branch is gone. */
    headSha: Sha,
    state: Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('merged')]),
    labels: Type.Array(Type.String()),
    author: Type.String(),
    mergeCommitSha: Type.Union([Sha, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    comments: Type.Array(CommentRecord),
    reviews: Type.Array(ReviewRecordSchema),
  },
  { additionalProperties: false },
);

const StatusesRecordSchema = Type.Object(
  {
    schema: Type.Literal(STATUSES_TAG),
    sha: Sha,
    statuses: Type.Array(
      Type.Object(
        {
          context: Type.String({ minLength: 1 }),
          state: Type.Union([Type.Literal('pending'), Type.Literal('success'), Type.Literal('failure')]),
          description: Type.String(),
          sha: Sha,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A pull request as the local and fake forges store it: the port's fields plus its comments and reviews. */
export type PullRequestRecord = Static<typeof PullRequestRecordSchema>;
export type ReviewRecord = Static<typeof ReviewRecordSchema>;
/** The commit statuses of one commit, latest per context. */
export type StatusesRecord = Static<typeof StatusesRecordSchema>;

export function newPullRequestRecord(fields: Omit<PullRequestRecord, 'schema'>): PullRequestRecord {
  return { schema: RECORD_TAG, ...fields };
}

export function newStatusesRecord(sha: string): StatusesRecord {
  return { schema: STATUSES_TAG, sha, statuses: [] };
}

/** Checks a parsed pull-request file; `file` only serves to name the fault. */
export function parsePullRequestRecord(value: unknown, file: string): PullRequestRecord {
  return check(PullRequestRecordSchema, RECORD_TAG, value, file);
}

/** Checks a parsed statuses file; `file` only serves to name the fault. */
export function parseStatusesRecord(value: unknown, file: string): StatusesRecord {
  return check(StatusesRecordSchema, STATUSES_TAG, value, file);
}

/** The port's view of a record, with `headSha` taken from the branch as it is now (when it still exists). */
export function toPullRequest(record: PullRequestRecord, currentHeadSha: string | null): PullRequest {
  const { schema: _schema, comments: _comments, reviews: _reviews, ...fields } = record;
  return { ...fields, labels: [...record.labels], headSha: currentHeadSha ?? record.headSha, authorIsBot: isBotLogin(record.author) };
}

/** The port's view of a stored review. */
export function toReview(review: ReviewRecord): Review {
  return { ...review, reviewerIsBot: isBotLogin(review.reviewer) };
}

function check<T extends TSchema>(schema: T, tag: string, value: unknown, file: string): Static<T> {
  const found = typeof value === 'object' && value !== null ? (value as { schema?: unknown }).schema : undefined;
  const [kind] = tag.split('/v');
  if (typeof found === 'string' && found !== tag && found.startsWith(`${kind}/v`)) {
    throw new UnknownVersionError(`${file}: ${found} is not known to this cairn (knows ${tag}); upgrade cairn`, { file, found });
  }
  if (Value.Check(schema, value)) return value;
  const errors = [...Value.Errors(schema, value)].map((error) => ({ path: error.path || '/', message: error.message }));
  throw new SchemaError(file, errors);
}
