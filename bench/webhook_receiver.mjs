// The receiver of bench/webhooks.py: answers 200 at once, and notes when each delivery's
// first byte arrived (the request's headers are parsed on its first packet).
//
// Prints {"port": N}. GET /stats answers {count, arrivals: {eventId: ms since epoch}};
// POST /reset forgets everything.
import http from 'node:http';

let count = 0;
let arrivals = {};

function eventIdOf(body) {
  try {
    const claims = JSON.parse(Buffer.from(body.split('.')[1], 'base64url').toString());
    return JSON.parse(JSON.parse(claims.data).data).id;
  } catch {
    return null;
  }
}

const server = http.createServer((request, response) => {
  const at = Date.now();
  if (request.method === 'GET') {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ count, arrivals }));
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    if (request.url === '/reset') {
      count = 0;
      arrivals = {};
    } else {
      count += 1;
      const id = eventIdOf(Buffer.concat(chunks).toString());
      if (id && !(id in arrivals)) arrivals[id] = at;
    }
    response.writeHead(200, { 'Content-Length': '2' });
    response.end('ok');
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
