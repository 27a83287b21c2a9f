// The live view's server: node:http on 127.0.0.1 only, on a free port. It polls its source (a battle's
// or an experiment's folder) a few times a second and, when something changed, sends every open page
// the redrawn sections as a server-sent event. It serves its own page, script and stylesheet, so the
// page fetches nothing from anywhere else; requests naming another host are refused, so a web page
// elsewhere cannot read it through a rebound DNS name. A source that fails to read or draw shows the
// error on the page; the server keeps running.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { ArenaError } from "../core/errors.ts";
import { LIVE_CSS, LIVE_SCRIPT } from "./live-client.ts";
import { failedUpdate, type LiveUpdate, livePage } from "./page.ts";

export const LOOPBACK = "127.0.0.1";

export class LiveViewError extends ArenaError {}

/** What a live server shows: something that can be brought up to date and drawn. */
export interface LiveSource {
  /** Reads what changed; true when the page should be redrawn. */
  poll(): boolean | Promise<boolean>;
  update(): LiveUpdate;
}

export interface LiveServerOptions {
  /** How often the source is polled (ms); default 250. */
  pollMs?: number;
  /** A port to listen on; a free one when absent. */
  port?: number;
}

const POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src data:";
const HEARTBEAT_MS = 15_000;

export class LiveServer {
  readonly url: string;
  private readonly server: Server;
  private readonly source: LiveSource;
  private readonly clients = new Set<ServerResponse>();
  private current: LiveUpdate;
  private readonly timer: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;
  private polling: Promise<void> | undefined;
  private closed = false;
  private readonly port: number;
  private busy = 0;

  private constructor(server: Server, source: LiveSource, pollMs: number) {
    this.server = server;
    this.source = source;
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://${LOOPBACK}:${this.port}/`;
    this.current = this.draw();
    this.timer = setInterval(() => void this.refresh(), pollMs);
    this.timer.unref();
    this.heartbeat = setInterval(() => this.broadcast(": keep-alive\n\n"), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Listens on 127.0.0.1 (a free port unless `port`) and starts polling `source`. */
  static async start(source: LiveSource, options: LiveServerOptions = {}): Promise<LiveServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          new LiveViewError(
            error.code === "EADDRINUSE"
              ? `port ${options.port} on ${LOOPBACK} is in use: stop what listens there, or leave the port out for a free one`
              : `cannot listen on ${LOOPBACK}: ${error.message}`,
            { cause: error },
          ),
        ),
      );
      server.listen(options.port ?? 0, LOOPBACK, () => resolve());
    });
    const live = new LiveServer(server, source, options.pollMs ?? 250);
    await live.refresh();
    server.on("request", (request, response) => live.handle(request, response));
    return live;
  }

  /** Milliseconds of this thread spent reading the source, drawing and sending (what bench:live reports). */
  get busyMs(): number {
    return this.busy;
  }

  /** The sections as last drawn (tests and scripts read them without a browser). */
  get latest(): LiveUpdate {
    return this.current;
  }

  /** Polls the source now and sends the pages what changed (waits for a poll already under way). */
  async refresh(): Promise<void> {
    if (this.closed) return;
    if (this.polling !== undefined) return this.polling;
    this.polling = (async () => {
      let started = performance.now();
      let changed: boolean;
      try {
        const polled = this.source.poll();
        if (polled instanceof Promise) {
          this.busy += performance.now() - started;
          changed = await polled;
          started = performance.now();
        } else changed = polled;
      } catch (error) {
        this.current = failedUpdate(this.current.title, error);
        this.send();
        return;
      }
      if (changed) {
        this.current = this.draw();
        this.send();
      }
      this.busy += performance.now() - started;
    })().finally(() => (this.polling = undefined));
    return this.polling;
  }

  /** Sends the pages a last update and `end`, and stops listening. */
  async close(reason = "the run ended"): Promise<void> {
    if (this.closed) return;
    await this.refresh();
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    this.broadcast(`event: end\ndata: ${reason.replaceAll("\n", " ")}\n\n`);
    for (const client of this.clients) client.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private draw(): LiveUpdate {
    try {
      return this.source.update();
    } catch (error) {
      return failedUpdate(this.current?.title ?? "Token Arena live", error);
    }
  }

  private send(): void {
    this.broadcast(`event: update\ndata: ${JSON.stringify(this.current)}\n\n`);
  }

  private broadcast(text: string): void {
    for (const client of this.clients) client.write(text);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const host = request.headers.host ?? "";
    if (host !== `${LOOPBACK}:${this.port}` && host !== `localhost:${this.port}`) {
      response.writeHead(403, { "content-type": "text/plain; charset=utf-8" });
      response.end(`the live view answers requests to ${LOOPBACK}:${this.port} only\n`);
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" });
      response.end();
      return;
    }
    const path = new URL(request.url ?? "/", this.url).pathname;
    const headers = {
      "content-security-policy": POLICY,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    };
    switch (path) {
      case "/":
        response.writeHead(200, { ...headers, "content-type": "text/html; charset=utf-8" });
        response.end(livePage(this.current));
        return;
      case "/live.js":
        response.writeHead(200, { ...headers, "content-type": "text/javascript; charset=utf-8" });
        response.end(LIVE_SCRIPT);
        return;
      case "/style.css":
        response.writeHead(200, { ...headers, "content-type": "text/css; charset=utf-8" });
        response.end(LIVE_CSS);
        return;
      case "/update.json":
        response.writeHead(200, { ...headers, "content-type": "application/json; charset=utf-8" });
        response.end(JSON.stringify(this.current));
        return;
      case "/events":
        if (this.closed) {
          response.writeHead(204);
          response.end();
          return;
        }
        response.writeHead(200, {
          ...headers,
          "content-type": "text/event-stream; charset=utf-8",
          connection: "keep-alive",
        });
        response.write(`retry: 1000\nevent: update\ndata: ${JSON.stringify(this.current)}\n\n`);
        this.clients.add(response);
        request.on("close", () => this.clients.delete(response));
        return;
      default:
        response.writeHead(404, { ...headers, "content-type": "text/plain; charset=utf-8" });
        response.end(`no ${path} here: the live view is at ${this.url}\n`);
    }
  }
}
