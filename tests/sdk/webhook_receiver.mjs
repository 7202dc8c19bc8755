// A webhook receiver written as for Wix, with the official client, given Tally's public key.
//
// Configuration comes as JSON in TALLY_RECEIVER_CONFIG: {appId, publicKey}. It listens on
// 127.0.0.1 (a free port, printed as {"port": N} on the first line), hands every POST body to
// client.webhooks.process, and answers 200 when the client accepted it, 401 when it refused.
// GET /results answers what happened: [{handler, orderId, eventId}] for each handler that ran
// and [{refused: message}] for each body the client refused.

import http from 'node:http';
import { AppStrategy, createClient } from '@wix/sdk';
import * as orders from '@wix/auto_sdk_pricing-plans_orders';

const config = JSON.parse(process.env.TALLY_RECEIVER_CONFIG);
const client = createClient({
  auth: AppStrategy({ appId: config.appId, publicKey: config.publicKey }),
  modules: { orders },
});

const results = [];
client.orders.onOrderPaused(({ data, metadata }) => {
  results.push({ handler: 'onOrderPaused', orderId: data.order._id, eventId: metadata._id });
});
client.orders.onOrderResumed(({ data, metadata }) => {
  results.push({ handler: 'onOrderResumed', orderId: data.order._id, eventId: metadata._id });
});
client.orders.onOrderCreated(({ entity, metadata }) => {
  results.push({ handler: 'onOrderCreated', orderId: entity._id, eventId: metadata._id });
});

const server = http.createServer(async (request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(results));
    return;
  }
  let body = '';
  for await (const chunk of request) body += chunk;
  try {
    await client.webhooks.process(body);
    response.writeHead(200);
    response.end('ok');
  } catch (error) {
    results.push({ refused: String(error && error.message) });
    response.writeHead(401);
    response.end('refused');
  }
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
