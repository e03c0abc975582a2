/**
 * Request and response helpers shared by the routes: content negotiation (HTML pages, or JSON for
 * /api/... and Accept: application/json), the session cookie, and input parsing that turns bad
 * input into 400s.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { AppDeps } from '../deps.js';
import { badRequest, unauthorized } from '../errors.js';
import type { Session } from '../repositories/sessions.js';
import type { SafeHtml } from '../views/html.js';
import { page } from '../views/layout.js';

export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export interface Answer {
  status?: number;
  json: unknown;
  /** The HTML page; absent for form posts that redirect. */
  title?: string;
  body?: () => SafeHtml;
  /** Where an HTML form post goes next (303, post/redirect/get). */
  redirect?: string;
}

export function send(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, answer: Answer) {
  const status = answer.status ?? 200;
  if (wantsJson(request)) return reply.code(status).send(answer.json);
  if (answer.redirect) return reply.code(303).header('location', answer.redirect).send();
  const body = answer.body?.() ?? null;
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(page(answer.title ?? '', pageContext(deps, request), body ?? ({ value: '' } as SafeHtml)));
}

export function pageContext(deps: AppDeps, request: FastifyRequest) {
  return {
    region: deps.config.region,
    instanceId: deps.config.instanceId,
    replication: deps.monitor.snapshot(),
    userName: request.session?.userName ?? null,
  };
}

/** Registers a handler on both the page path and its /api twin. */
export function route(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  handler: RouteHandlerMethod,
  options: { pageToo?: boolean } = {},
): void {
  app.route({ method, url: `/api${path}`, handler });
  if (options.pageToo !== false) app.route({ method, url: path, handler });
}

// --- session cookie ---------------------------------------------------------------------------

export const sessionCookie = 'session';
const cookieValuePattern = /^(u-[0-9a-f]{16})\.([0-9a-f-]{36})$/;

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function sessionCookieHeader(session: Session | null, maxAgeSeconds: number): string {
  const value = session ? `${session.userId}.${session.sessionId}` : '';
  return `${sessionCookie}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${session ? maxAgeSeconds : 0}`;
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
}

/** Reads the cookie's session (null when there is none or it's no longer valid). */
export async function loadSession(deps: AppDeps, request: FastifyRequest): Promise<Session | null> {
  const match = cookieValuePattern.exec(readCookie(request, sessionCookie) ?? '');
  if (!match) return null;
  return deps.sessions.find(match[1]!, match[2]!);
}

export function requireSession(request: FastifyRequest): Session {
  if (request.session) return request.session;
  const hadCookie = readCookie(request, sessionCookie);
  throw unauthorized(hadCookie ? 'Your session has expired; please sign in again.' : 'Please sign in first.');
}

// --- input ------------------------------------------------------------------------------------

export function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw badRequest('The request body must be an object.');
  return body as Record<string, unknown>;
}

export function stringField(
  body: Record<string, unknown>,
  name: string,
  pattern: RegExp,
  what: string,
): string {
  const value = body[name];
  if (typeof value !== 'string' || !pattern.test(value))
    throw badRequest(`${name}: ${what}`, { field: name });
  return value;
}

export function integerField(
  body: Record<string, unknown>,
  name: string,
  range: { min: number; max: number },
  fallback?: number,
): number {
  const value = body[name];
  if ((value === undefined || value === '') && fallback !== undefined) return fallback;
  const number = typeof value === 'string' && /^-?\d{1,9}$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < range.min || number > range.max) {
    throw badRequest(`${name} must be a whole number from ${range.min} to ${range.max}.`, { field: name });
  }
  return number;
}

export const productIdPattern = /^p-[a-z0-9-]{1,40}$/;
export const orderIdPattern = /^ord-[0-9a-f]{24}$/;

export function pathParam(request: FastifyRequest, name: string, pattern: RegExp): string | null {
  const value = (request.params as Record<string, string | undefined>)[name];
  return value !== undefined && pattern.test(value) ? value : null;
}
