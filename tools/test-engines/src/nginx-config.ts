/** What {@link nginxConfig} needs: where nginx listens and the ccb instances behind it. */
export interface NginxConfigOptions {
  /** `host:port` nginx listens on, e.g. `127.0.0.1:8080`. */
  readonly listen: string;
  /** `host:port` of every ccb instance. */
  readonly upstreams: readonly string[];
  /** Folder for the pid file, logs and temp files (a test's temp directory); omit for nginx's defaults. */
  readonly prefix?: string;
}

/**
 * The nginx configuration of `docs/deploy.md`: ccb instances behind one port, for streamed responses. Buffering
 * off both ways (SSE reaches the client as it is written, request bodies start flowing at once), HTTP/1.1 with
 * pooled keep-alive connections to ccb, and a read timeout longer than any model's answer: nginx's 60 s default
 * cuts long extended-thinking streams.
 */
export function nginxConfig(options: NginxConfigOptions): string {
  const prefix = options.prefix;
  const files =
    prefix === undefined
      ? ''
      : `pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
`;
  const temp =
    prefix === undefined
      ? ''
      : `  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
`;
  const servers = options.upstreams.map((upstream) => `    server ${upstream} max_fails=0;`).join('\n');
  return `worker_processes 1;
${files}events {
  worker_connections 1024;
}
http {
  access_log off;
${temp}  upstream ccb {
${servers}
    keepalive 32;
  }
  server {
    listen ${options.listen};
    client_max_body_size 32m;
    location / {
      proxy_pass http://ccb;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
    }
  }
}
`;
}
