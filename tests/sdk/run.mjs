// The official Wix Pricing Plans client, unmodified, against a live Tally server.
//
// Configuration comes as JSON in TALLY_SDK_CONFIG:
//   {baseUrl, appToken, manageOrdersToken, memberToken, otherMemberToken, memberId, planId, oneTimePlanId, coupon}
// Every one of the 15 REST functions is called; after each action the order is read back to
// check its effect. Prints one JSON object: {"results": [{"name", "ok", "detail"}...]}.

import * as orders from '@wix/auto_sdk_pricing-plans_orders';
import { check, clientFor, codeOf, isDate, refusal, results, step } from './harness.mjs';

const config = JSON.parse(process.env.TALLY_SDK_CONFIG);
const ZERO = '00000000-0000-0000-0000-000000000000';
const DAY = 24 * 60 * 60 * 1000;

const clientWith = (token) => clientFor({ orders }, config.baseUrl, token);
const owner = clientWith(config.appToken).orders;
const manager = clientWith(config.manageOrdersToken).orders; // holds only Manage Orders
const member = clientWith(config.memberToken).orders;
const otherMember = clientWith(config.otherMemberToken).orders;
const anonymous = clientFor({ orders }, config.baseUrl).orders;

async function read(id) {
  const { order } = await owner.managementGetOrder(id);
  return order;
}

async function newPaidOfflineOrder() {
  const { order } = await owner.createOfflineOrder(config.planId, config.memberId, { paid: true });
  return order;
}

// Checkout ----------------------------------------------------------------------------------

await step('getPricePreview', async () => {
  const reply = await owner.getPricePreview(config.planId, { couponCode: config.coupon });
  const price = reply.prices[0].price;
  check(price.subtotal === '10.00', `subtotal ${price.subtotal}`);
  check(price.discount === '1.00', `discount ${price.discount}`);
  check(price.total === '9.00', `total ${price.total}`);
  check(reply.prices[0].duration.cycleFrom === 1, 'cycleFrom');
  check(reply.price.currency === 'EUR', 'deprecated price details');
  return price;
});

await step('getOfflineOrderPreview', async () => {
  const reply = await owner.getOfflineOrderPreview(config.planId, config.memberId);
  check(reply.order._id === ZERO && reply.order.subscriptionId === ZERO, 'zero ids');
  check(reply.order.type === 'OFFLINE', `type ${reply.order.type}`);
  check(reply.purchaseLimitExceeded === false, 'purchaseLimitExceeded');
  check(isDate(reply.order.startDate), 'startDate is a Date');
  const list = await owner.managementListOrders({ buyerIds: [config.memberId] });
  check(list.orders.length === 0, 'a preview stores nothing');
  return { status: reply.order.status };
});

await step('getOnlineOrderPreview', async () => {
  const reply = await member.getOnlineOrderPreview(config.planId, { couponCode: config.coupon });
  check(reply.order._id === ZERO, 'zero id');
  check(reply.order.buyer.memberId === config.memberId, 'buyer is the caller');
  check(reply.order.priceDetails.coupon.code === config.coupon, 'coupon applied');
  return { purchaseLimitExceeded: reply.purchaseLimitExceeded };
});

let draftId;
await step('createOnlineOrder', async () => {
  const { order } = await member.createOnlineOrder(config.planId, { couponCode: config.coupon });
  check(order.status === 'DRAFT', `status ${order.status}`);
  check(order.type === 'ONLINE', `type ${order.type}`);
  check(isDate(order._createdDate), '_createdDate is a Date');
  draftId = order._id;
  const again = await member.memberGetOrder(draftId);
  check(again._id === draftId && again.status === 'DRAFT', 're-read as the member');
  return { id: order._id, total: order.priceDetails.total };
});

await step('createOnlineOrder on behalf of a member', async () => {
  const { order } = await owner.createOnlineOrder(config.planId, {
    onBehalf: { memberId: config.memberId, orderMethod: 'MOTO' },
  });
  check(order.orderMethod === 'MOTO', `orderMethod ${order.orderMethod}`);
  check(order.buyer.memberId === config.memberId, 'buyer');
  const again = await read(order._id);
  check(again.orderMethod === 'MOTO', 're-read');
  return { id: order._id };
});

let activeId;
await step('createOfflineOrder', async () => {
  const order = await newPaidOfflineOrder();
  check(order.type === 'OFFLINE', `type ${order.type}`);
  check(order.status === 'ACTIVE', `status ${order.status}`);
  check(order.lastPaymentStatus === 'PAID', `payment ${order.lastPaymentStatus}`);
  activeId = order._id;
  const again = await read(activeId);
  check(again.status === 'ACTIVE' && isDate(again.endDate), 're-read');
  return { id: activeId };
});

// Management --------------------------------------------------------------------------------

await step('managementGetOrder', async () => {
  const { order } = await owner.managementGetOrder(activeId, { fieldSet: 'FULL' });
  check(order._id === activeId, 'id');
  check(Array.isArray(order.pausePeriods), 'pausePeriods always present');
  check(typeof order.planPrice === 'string', 'money is a string');
  check(order.currentCycle && order.currentCycle.index === 1, 'current cycle 1');
  check(isDate(order.currentCycle.startedDate), 'cycle dates are Dates');
  return { status: order.status };
});

await step('pauseOrder', async () => {
  const reply = await owner.pauseOrder(activeId);
  check(reply === undefined || Object.keys(reply).length === 0, 'void');
  const order = await read(activeId);
  check(order.status === 'PAUSED', `status ${order.status}`);
  check(order.pausePeriods.length === 1, 'one pause period');
  check(order.pausePeriods[0].status === 'ACTIVE', 'open pause');
  check(isDate(order.pausePeriods[0].pauseDate), 'pauseDate is a Date');
  return { status: order.status };
});

await step('resumeOrder', async () => {
  const before = await read(activeId);
  await owner.resumeOrder(activeId);
  const order = await read(activeId);
  check(order.status === 'ACTIVE', `status ${order.status}`);
  check(order.pausePeriods[0].status === 'ENDED', 'pause closed');
  check(isDate(order.pausePeriods[0].resumeDate), 'resumeDate is a Date');
  check(order.endDate.getTime() >= before.endDate.getTime(), 'end date not earlier');
  return { status: order.status };
});

await step('postponeEndDate', async () => {
  const before = await read(activeId);
  const later = new Date(before.endDate.getTime() + 30 * DAY);
  await owner.postponeEndDate(activeId, later);
  const order = await read(activeId);
  check(order.endDate.getTime() === later.getTime(), `endDate ${order.endDate.toISOString()}`);
  check(order.lastPaymentStatus === before.lastPaymentStatus, 'payments untouched');
  return { endDate: order.endDate.toISOString() };
});

await step('markAsPaid', async () => {
  const { order: unpaid } = await owner.createOfflineOrder(config.planId, config.memberId);
  check(unpaid.lastPaymentStatus === 'UNPAID', `payment ${unpaid.lastPaymentStatus}`);
  await owner.markAsPaid(unpaid._id);
  const order = await read(unpaid._id);
  check(order.lastPaymentStatus === 'PAID', `payment ${order.lastPaymentStatus}`);
  check(order.status === 'ACTIVE', `status ${order.status}`);
  const again = await refusal(() => owner.markAsPaid(unpaid._id));
  check(codeOf(again) === 'ORDER_ALREADY_PAID', `code ${codeOf(again)}`);
  return { status: order.status };
});

await step('cancelOrder', async () => {
  await owner.cancelOrder(activeId, 'IMMEDIATELY');
  const order = await read(activeId);
  check(order.status === 'CANCELED', `status ${order.status}`);
  check(order.cancellation.cause === 'OWNER_ACTION', `cause ${order.cancellation.cause}`);
  check(order.cancellation.effectiveAt === 'IMMEDIATELY', 'effectiveAt');
  check(order.currentCycle === undefined, 'no current cycle once canceled');
  const again = await refusal(() => owner.pauseOrder(activeId));
  check(codeOf(again) === 'ORDER_NOT_ACTIVE', `code ${codeOf(again)}`);
  check(again.status === 409 || again.details?.applicationError, 'a conflict');
  return { status: order.status };
});

await step('managementListOrders', async () => {
  const plain = await owner.managementListOrders({
    orderStatuses: ['ACTIVE', 'PAUSED'],
    buyerIds: [config.memberId],
    limit: 1,
    offset: 0,
  });
  check(plain.orders.length === 1, `count ${plain.orders.length}`);
  check(plain.orders.every((o) => o.status === 'ACTIVE'), 'only active');
  check(plain.pagingMetadata.count === 1, 'pagingMetadata.count');
  check(plain.pagingMetadata.total >= 1, 'pagingMetadata.total');
  // A sort makes the client send the whole request as `.r` (base64url JSON).
  const sorted = await owner.managementListOrders({
    sorting: { fieldName: '_createdDate', order: 'ASC' },
    limit: 50,
  });
  const created = sorted.orders.map((o) => o._createdDate.getTime());
  check(created.every((t, i) => i === 0 || created[i - 1] <= t), 'ascending by creation');
  const byEnd = await owner.managementListOrders({ sorting: { fieldName: 'endDate' } });
  check(byEnd.orders.length === sorted.orders.length, 'sorted by end date');
  return { total: sorted.pagingMetadata.total };
});

await step('managementGetOrder and managementListOrders holding only Manage Orders', async () => {
  const { order } = await manager.managementGetOrder(activeId);
  check(order._id === activeId, 'read with Manage Orders alone');
  const list = await manager.managementListOrders({ limit: 1 });
  check(list.orders.length === 1, `count ${list.orders.length}`);
  return { status: order.status };
});

// Member ------------------------------------------------------------------------------------

await step('memberListOrders', async () => {
  const reply = await member.memberListOrders({
    limit: 2,
    sorting: { fieldName: '_createdDate', order: 'DESC' },
  });
  check(reply.orders.length === 2, `count ${reply.orders.length}`);
  check(reply.orders.every((o) => o.buyer.memberId === config.memberId), 'only own orders');
  const others = await otherMember.memberListOrders();
  check(others.orders.length === 0, 'another member sees none of them');
  return { total: reply.pagingMetadata.total };
});

await step('memberGetOrder', async () => {
  const order = await member.memberGetOrder(draftId, { fieldSet: 'FULL' });
  check(order._id === draftId, 'the order itself, unwrapped');
  const err = await refusal(() => otherMember.memberGetOrder(draftId));
  check(codeOf(err) === 'ORDER_NOT_FOUND', `code ${codeOf(err)}`);
  return { status: order.status };
});

await step('requestCancellation', async () => {
  const order = await newPaidOfflineOrder();
  const err = await refusal(() => otherMember.requestCancellation(order._id, 'IMMEDIATELY'));
  check(codeOf(err) === 'ORDER_NOT_FOUND', `other member: ${codeOf(err)}`);
  await member.requestCancellation(order._id, 'NEXT_PAYMENT_DATE');
  const again = await member.memberGetOrder(order._id);
  check(again.autoRenewCanceled === true, 'auto renewal canceled');
  check(again.status === 'ACTIVE', `status ${again.status}`);
  check(again.cancellation.cause === 'MEMBER_ACTION', `cause ${again.cancellation?.cause}`);
  check(again.cancellation.effectiveAt === 'NEXT_PAYMENT_DATE', 'effectiveAt');
  return { status: again.status };
});

// Errors as the client reports them ---------------------------------------------------------

await step('errors', async () => {
  const missing = await refusal(() => owner.managementGetOrder(crypto.randomUUID()));
  check(codeOf(missing) === 'ORDER_NOT_FOUND', `missing: ${codeOf(missing)}`);
  const invalid = await refusal(() => owner.managementListOrders({ limit: 51 }));
  const violations = invalid.details?.validationError?.fieldViolations ?? [];
  check(violations.length === 1, `violations ${JSON.stringify(invalid.details)}`);
  const oneTime = await owner.createOfflineOrder(config.oneTimePlanId, config.memberId, {
    paid: true,
  });
  const refused = await refusal(() => owner.cancelOrder(oneTime.order._id, 'NEXT_PAYMENT_DATE'));
  check(
    codeOf(refused) === 'NEXT_PAYMENT_DATE_NOT_ALLOWED_FOR_ONE_TIME_ORDER',
    `one-time: ${codeOf(refused)}`,
  );
  const coupon = await refusal(() => owner.getPricePreview(config.planId, { couponCode: 'NOPE' }));
  check(codeOf(coupon) === 'ERROR_COUPON_DOES_NOT_EXIST', `coupon: ${codeOf(coupon)}`);
  const nobody = await refusal(() => anonymous.managementGetOrder(draftId));
  check(codeOf(nobody) === 'UNAUTHENTICATED', `anonymous: ${codeOf(nobody)}`);
  return { checked: 5 };
});

console.log(JSON.stringify({ results }));
