// A stand-in for the fleet's front door while developing the web client by hand: serves
// web/ with the front door's security headers and forwards the API by path (WebSockets
// too). Not used by the tests, which run through the real front door.
//   node web-tests/tools/dev-server.mjs PORT AUTH_PORT GATEWAY_PORT PRESENCE_PORT
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';

const [port, auth, gateway, presence] = process.argv.slice(2).map(Number);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../web');
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
	'.png': 'image/png', '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml' };
const headers = {
	'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
};

function target(url) {
	if (url.startsWith('/v1/sync') || url.startsWith('/v1/clips')) return gateway;
	if (url.startsWith('/v1/presence')) return presence;
	if (url.startsWith('/v1/') || url.startsWith('/.well-known/')) return auth;
	return null;
}

const server = http.createServer((request, response) => {
	const upstream = target(request.url);
	if (upstream) {
		const forward = http.request({ host: '127.0.0.1', port: upstream, path: request.url, method: request.method,
			headers: request.headers }, (answer) => {
			response.writeHead(answer.statusCode, answer.headers);
			answer.pipe(response);
		});
		forward.on('error', () => { response.writeHead(502); response.end(); });
		request.pipe(forward);
		return;
	}
	let file = path.join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname));
	if (!file.startsWith(root)) { response.writeHead(404); response.end(); return; }
	if (file.endsWith('/')) file += 'index.html';
	fs.readFile(file, (error, body) => {
		if (error) { response.writeHead(404, headers); response.end('not found'); return; }
		response.writeHead(200, { ...headers, 'Content-Type': types[path.extname(file)] || 'application/octet-stream',
			'Cache-Control': 'no-cache' });
		response.end(body);
	});
});

server.on('upgrade', (request, socket, head) => {
	const upstream = net.connect(target(request.url) || gateway, '127.0.0.1', () => {
		let raw = `${request.method} ${request.url} HTTP/1.1\r\n`;
		for (let i = 0; i < request.rawHeaders.length; i += 2) raw += `${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}\r\n`;
		upstream.write(raw + '\r\n');
		upstream.write(head);
		upstream.pipe(socket);
		socket.pipe(upstream);
	});
	upstream.on('error', () => socket.destroy());
	socket.on('error', () => upstream.destroy());
});

server.listen(port, '127.0.0.1', () => console.log(`web client on http://127.0.0.1:${port}/`));
