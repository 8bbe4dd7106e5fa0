// One connection before the run: a target that cannot be reached at all gets one clear line
// and exit code 1 instead of a run full of identical errors.

import http from 'node:http';
import https from 'node:https';
import WebSocket from 'ws';
import { EXIT, UserError } from '../lib/index.js';
import { classifyError, describeErrorClass } from './errors.js';
import type { LoadOptions } from './options.js';
import { MAX_FRAME, urlFor } from './protocols/socket.js';

export async function preflight(options: LoadOptions): Promise<void> {
  if (options.protocol === 'agentcom') return; // the driver's first REST call plays this part
  const target = urlFor(options.url, 0);
  const kind = options.protocol === 'http' ? await tryHttp(target, options) : await tryWebSocket(target, options);
  if (kind) throw new UserError(`cannot reach ${target}: ${describeErrorClass(kind)}`, EXIT.failure);
}

function tryWebSocket(url: string, options: LoadOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, {
        handshakeTimeout: Math.round(options.connectTimeout * 1000),
        rejectUnauthorized: !options.insecure,
        maxPayload: MAX_FRAME,
        ...(options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
      });
    } catch (err) {
      resolve(classifyError(err));
      return;
    }
    ws.on('open', () => {
      ws.close(1000);
      resolve(undefined);
    });
    ws.on('error', (err) => {
      ws.terminate();
      resolve(classifyError(err));
    });
  });
}

function tryHttp(url: string, options: LoadOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const request = u.protocol === 'https:' ? https.request : http.request;
    const req = request(u, { method: 'GET', timeout: options.connectTimeout * 1000, rejectUnauthorized: !options.insecure }, (res) => {
      res.resume();
      res.on('end', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => resolve(classifyError(err)));
    req.end();
  });
}
