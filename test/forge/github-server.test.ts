import { describe, expect, it } from 'vitest';
import { reviewJson } from './github-pull-json.js';
import { userJson } from './github-json.js';
import { REPO, rejection, TIPS, useFakeGitHub } from './github-harness.js';

const h = useFakeGitHub();

/** A request the adapter would never make, sent as bot-token. */
async function send(method: string, path: string, body?: unknown): Promise<{ status: number; message: string }> {
  const headers = { authorization: 'token bot-token', 'content-type': 'application/json' };
  const response = await fetch(`${h.github.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, message: ((await response.json()) as { message: string }).message };
}

describe("the fake GitHub refuses what GitHub's OpenAPI description does not allow", () => {
  it('a request for an operation GitHub does not have', async () => {
    expect(await send('POST', `${REPO}/pulls/1/approve`, {})).toEqual({
      status: 500,
      message: `fake GitHub: POST ${REPO}/pulls/1/approve is no operation of the description`,
    });
    expect(h.github.takeViolations()).toEqual([`POST ${REPO}/pulls/1/approve is no operation of the description`]);
  });

  it('a body, a path parameter or a query that breaks the operation', async () => {
    await send('POST', `${REPO}/pulls`, { head: 'feature-a', base: 'main', title: 7 });
    await send('PATCH', `${REPO}/pulls/1`, { state: 'merged' });
    await send('GET', `${REPO}/pulls/first`);
    await send('GET', `${REPO}/pulls?per_page=all&label=x`);
    await send('POST', `${REPO}/issues/1/comments`);
    await send('DELETE', `${REPO}/issues/comments/1`, { reason: 'x' });
    expect(h.github.takeViolations()).toEqual([
      'POST /repos/{owner}/{repo}/pulls (pulls/create) request body: /title must be string',
      'PATCH /repos/{owner}/{repo}/pulls/{pull_number} (pulls/update) request body: /state must be equal to one of the allowed values ["open","closed"]',
      'GET /repos/{owner}/{repo}/pulls/{pull_number} (pulls/get) request: /path/pull_number must be integer',
      'GET /repos/{owner}/{repo}/pulls (pulls/list) request: /query must NOT have additional properties "label", /query/per_page must be integer',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments (issues/create-comment) request: the body is required',
      'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id} (issues/delete-comment) request: the operation takes no JSON body, got {"reason":"x"}',
    ]);
  });

  it('an answer that lacks what the response schema requires, and the adapter says so', async () => {
    await h.forge.openPullRequest({ head: 'feature-a', base: 'main', title: 'A', body: '' });
    const review = reviewJson(h.github.site, { id: 1, pull: 1, user: userJson(h.github.site, 'alice'), body: '', state: 'APPROVED', commit_id: TIPS['feature-a'] });
    const { _links: _, ...incomplete } = review;
    h.github.answerNext('GET', `${REPO}/pulls/1/reviews`, 200, [incomplete]);
    const violation = `GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews (pulls/list-reviews) response 200: /0 must have required property '_links'`;
    expect(await rejection(h.forge.listReviews(1))).toMatchObject({ code: 'E_FORGE', message: `GitHub could not list the reviews of #1 (500): fake GitHub: ${violation}` });
    expect(h.github.takeViolations()).toEqual([violation]);
  });

  it('a status the operation does not answer with, and an error body of the wrong shape', async () => {
    h.github.answerNext('GET', `${REPO}/pulls/1`, 418, { message: "I'm a teapot" });
    h.github.answerNext('PUT', `${REPO}/pulls/1/merge`, 403, { message: ['not', 'a', 'string'] });
    h.github.answerNext('DELETE', `${REPO}/issues/comments/1`, 204, { deleted: true });
    await send('GET', `${REPO}/pulls/1`);
    await send('PUT', `${REPO}/pulls/1/merge`, {});
    await send('DELETE', `${REPO}/issues/comments/1`);
    expect(h.github.takeViolations()).toEqual([
      'GET /repos/{owner}/{repo}/pulls/{pull_number} (pulls/get) response 418: status 418 is not in the description',
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge (pulls/merge) response 403: /message must be string',
      'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id} (issues/delete-comment) response 204: the description has no body, got {"deleted":true}',
    ]);
  });
});
