// The official Wix plans client, unmodified, against a live Tally server.
//
// Configuration comes as JSON in TALLY_SDK_CONFIG: {baseUrl, managerToken, readerToken}.
// Each of the 11 REST functions of @wix/auto_sdk_pricing-plans_plans is called, and its effect
// read back. Prints one JSON object: {"results": [{"name", "ok", "detail"}...]}.

import * as plans from '@wix/auto_sdk_pricing-plans_plans';
import { check, clientFor, codeOf, isDate, refusal, results, step } from './harness.mjs';

const config = JSON.parse(process.env.TALLY_SDK_CONFIG);
const manager = clientFor({ plans }, config.baseUrl, config.managerToken).plans;
const reader = clientFor({ plans }, config.baseUrl, config.readerToken).plans;
const visitor = clientFor({ plans }, config.baseUrl).plans; // no credentials at all

let monthlyId;
let passId;

await step('createPlan', async () => {
  const plan = await manager.createPlan({
    name: 'Gold monthly',
    description: 'Every class, every month',
    perks: { values: ['All classes', 'A towel'] },
    pricing: {
      subscription: { cycleDuration: { count: 1, unit: 'MONTH' }, cycleCount: 12 },
      price: { value: '29.90', currency: 'EUR' },
      freeTrialDays: 7,
    },
    maxPurchasesPerBuyer: 1,
    termsAndConditions: 'Cancel any time.',
  });
  check(typeof plan._id === 'string', 'an id');
  check(isDate(plan._createdDate), '_createdDate is a Date');
  check(plan.slug === 'gold-monthly', `slug ${plan.slug}`);
  check(plan.pricing.subscription.cycleCount === 12, 'cycleCount');
  check(plan.pricing.freeTrialDays === 7, 'freeTrialDays');
  check(plan.pricing.price.value === '29.90', `price ${plan.pricing.price.value}`);
  check(plan.public === true && plan.archived === false && plan.primary === false, 'flags');
  check(plan.perks.values.length === 2, 'perks');
  monthlyId = plan._id;
  const pass = await manager.createPlan({
    name: 'Day pass',
    pricing: { singlePaymentForDuration: { count: 1, unit: 'DAY' }, price: { value: '5', currency: 'EUR' } },
  });
  passId = pass._id;
  const invalid = await refusal(() => manager.createPlan({ name: ' ', pricing: { singlePaymentUnlimited: true } }));
  check(invalid.details?.validationError?.fieldViolations?.[0]?.ruleName === 'PLAN_NAME_BLANK', 'blank name');
  return { id: monthlyId };
});

await step('getPlan', async () => {
  const plan = await reader.getPlan(monthlyId);
  check(plan._id === monthlyId, 'the plan, unwrapped');
  check(plan.hasOrders === false, 'hasOrders');
  const missing = await refusal(() => reader.getPlan(crypto.randomUUID()));
  check(codeOf(missing) === 'plan_not_found', `missing: ${codeOf(missing)}`);
  return { name: plan.name };
});

await step('updatePlan', async () => {
  const plan = await manager.updatePlan(monthlyId, { description: 'Every class', pricing: {
    subscription: { cycleDuration: { count: 1, unit: 'MONTH' }, cycleCount: 6 },
    price: { value: '24.90', currency: 'EUR' },
  } });
  check(plan.description === 'Every class', 'description');
  check(plan.name === 'Gold monthly', 'name kept');
  check(plan.pricing.subscription.cycleCount === 6, 'cycleCount');
  check(plan.pricing.freeTrialDays === undefined, 'trial removed with the new pricing');
  return { price: plan.pricing.price.value };
});

await step('setPlanVisibility', async () => {
  const { plan } = await manager.setPlanVisibility(passId, false);
  check(plan.public === false, 'hidden');
  const { plans: visible } = await reader.listPublicPlans();
  check(!visible.some((p) => p._id === passId), 'a hidden plan is not public');
  await manager.setPlanVisibility(passId, true);
  return { public: plan.public };
});

await step('makePlanPrimary', async () => {
  const { plan } = await manager.makePlanPrimary(monthlyId);
  check(plan.primary === true, 'primary');
  const { plan: other } = await manager.makePlanPrimary(passId);
  check(other.primary === true, 'the other is primary now');
  check((await reader.getPlan(monthlyId)).primary === false, 'only one primary');
  return { primary: other._id };
});

await step('clearPrimary', async () => {
  const reply = await manager.clearPrimary();
  check(reply === undefined || Object.keys(reply).length === 0, 'void');
  check((await reader.getPlan(passId)).primary === false, 'none primary');
  return null;
});

await step('listPublicPlans', async () => {
  const reply = await reader.listPublicPlans({ limit: 1 });
  check(reply.plans.length === 1, `count ${reply.plans.length}`);
  check(reply.pagingMetadata.total === 2, `total ${reply.pagingMetadata.total}`);
  check(reply.plans[0].public === undefined, 'PublicPlan has no owner fields');
  check(isDate(reply.plans[0]._createdDate), '_createdDate is a Date');
  const byId = await reader.listPublicPlans({ planIds: [passId] });
  check(byId.plans.length === 1 && byId.plans[0]._id === passId, 'planIds');
  const seen = await visitor.listPublicPlans();
  check(seen.plans.length === 2 && seen.plans[0].public === undefined, 'a visitor lists them');
  const hidden = await refusal(() => visitor.getPlan(passId));
  check(codeOf(hidden) === 'UNAUTHENTICATED', `a visitor gets no plan: ${codeOf(hidden)}`);
  return { total: reply.pagingMetadata.total };
});

await step('queryPublicPlans', async () => {
  const found = await reader.queryPublicPlans().eq('slug', 'day-pass').find();
  check(found.items.length === 1 && found.items[0]._id === passId, 'by slug');
  const sorted = await reader.queryPublicPlans().descending('_createdDate').limit(1).find();
  check(sorted.items.length === 1 && sorted.items[0]._id === passId, 'newest first');
  check(sorted.totalCount === 2, `totalCount ${sorted.totalCount}`);
  const byId = await reader.queryPublicPlans().in('_id', [monthlyId]).find();
  check(byId.items.length === 1 && byId.items[0]._id === monthlyId, 'by id');
  const seen = await visitor.queryPublicPlans().eq('slug', 'day-pass').find();
  check(seen.items.length === 1 && seen.items[0]._id === passId, 'a visitor queries them');
  return { count: sorted.totalCount };
});

await step('archivePlan', async () => {
  const { plan } = await manager.archivePlan(passId);
  check(plan.archived === true && plan.public === false, 'archived and hidden');
  const again = await refusal(() => manager.archivePlan(passId));
  check(codeOf(again) === 'already_archived', `again: ${codeOf(again)}`);
  const { plans: seen } = await visitor.listPublicPlans();
  check(!seen.some((p) => p._id === passId), 'visitors never see an archived plan');
  return null;
});

await step('listPlans', async () => {
  const active = await reader.listPlans();
  check(active.plans.length === 1 && active.plans[0]._id === monthlyId, 'active only by default');
  const archived = await reader.listPlans({ archived: 'ARCHIVED' });
  check(archived.plans.length === 1 && archived.plans[0]._id === passId, 'archived');
  const all = await reader.listPlans({ archived: 'ARCHIVED_AND_ACTIVE', public: 'PUBLIC' });
  check(all.plans.length === 1, `public of all: ${all.plans.length}`);
  return { total: active.pagingMetadata.total };
});

await step('getPlanStats', async () => {
  const stats = await reader.getPlanStats();
  check(stats.totalPlans === 2, `totalPlans ${stats.totalPlans}`);
  return stats;
});

console.log(JSON.stringify({ results }));
