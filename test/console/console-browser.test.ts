// The console in headless Chromium: create a topic, produce a message from the page and see it
// in the browser, see the lag of a real consumer group that committed partway, delete the
// topic; a screenshot of each page goes to test-output/console/<run>/ for review. Then a
// keyboard-only pass (Tab, Enter, Space and typing into fields) through every page's actions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { GroupConsumer, Producer } from '../../src/client/index.js';
import { take } from '../client/support/take.js';
import { accessibilityViolations, focused, launchChromium, tabTo } from './support/chromium.js';
import { startConsoleFixture, type ConsoleFixture } from './support/console-fixture.js';

const RUN_DIR = resolve('test-output', 'console', new Date().toISOString().replace(/[:.]/g, '-'));

/** Saves a screenshot of the page and checks it with axe-core's WCAG A/AA rules. */
async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(RUN_DIR, { recursive: true });
  await page.screenshot({ path: resolve(RUN_DIR, `${name}.png`), fullPage: true });
  const violations = await accessibilityViolations(page);
  assert.deepEqual(violations, [], `accessibility violations on ${name} (${page.url()})`);
}

/** A classic group that read 4 of the 10 records of `topic`, committed them and left. */
async function groupThatStoppedPartway(f: ConsoleFixture, topic: string, groupId: string) {
  await f.admin.createTopics([{ name: topic, numPartitions: 1 }]);
  const producer = new Producer({ bootstrapServers: f.broker.bootstrap });
  await producer.connect();
  await producer.sendBatch(
    Array.from({ length: 10 }, (_, i) => ({ topic, value: JSON.stringify({ n: i }) })),
  );
  await producer.close();
  const consumer = new GroupConsumer({
    bootstrapServers: f.broker.bootstrap,
    groupId,
    autoCommit: false,
    autoOffsetReset: 'earliest',
  });
  await consumer.connect();
  consumer.subscribe([topic]);
  const records = await take(consumer.records()[Symbol.asyncIterator](), 4);
  for (const r of records) consumer.markProcessed(r);
  await consumer.commit();
  await consumer.close();
}

test(
  'a person creates a topic, produces and sees a message, sees lag and deletes the topic',
  { timeout: 120_000 },
  async (t) => {
    const f = await startConsoleFixture(t);
    await groupThatStoppedPartway(f, 'payments', 'billing');
    const { page } = await launchChromium(t);
    t.diagnostic(`screenshots: ${RUN_DIR}`);
    console.log(`console screenshots: ${RUN_DIR}`);

    await page.goto(f.console.url);
    await page.getByRole('heading', { name: 'Cluster overview' }).waitFor();
    await shoot(page, '01-overview');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Topics' })
      .click();
    await shoot(page, '02-topics');
    await page.getByRole('link', { name: 'Create a topic' }).click();
    await page.getByLabel('Name').fill('browser-orders');
    await page.getByLabel('Partitions').fill('2');
    await page.getByLabel('Configs').fill('retention.ms=86400000');
    await shoot(page, '03-create-topic');
    await page.getByRole('button', { name: 'Create topic' }).click();
    await page.getByRole('heading', { name: 'Topic browser-orders' }).waitFor();
    assert.match(await page.getByRole('status').innerText(), /Topic browser-orders created/);
    await shoot(page, '04-topic');

    await page.getByRole('link', { name: 'Produce a message' }).click();
    await page.getByLabel('Partition', { exact: true }).nth(1).selectOption('1');
    await page.getByLabel('Key').fill('order-1');
    await page.getByLabel('Value', { exact: true }).fill('{"item":"book","qty":2}');
    await page.getByLabel('Headers').fill('origin: browser');
    await page.getByRole('button', { name: 'Produce message' }).click();
    await page.getByText('Produced to partition 1 at offset 0.').waitFor();
    const table = page.getByRole('table', { name: 'Messages of browser-orders' });
    const row = await table.locator('tbody tr').first().innerText();
    assert.match(row, /order-1/);
    assert.match(row, /"item": "book"/);
    assert.match(row, /origin/);
    await shoot(page, '05-messages');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Consumer groups' })
      .click();
    await shoot(page, '06-groups');
    await page.getByRole('link', { name: 'billing' }).click();
    assert.equal(await page.locator('#total-lag').innerText(), '6');
    const lagRow = await page.getByRole('row', { name: /^payments 0 4 10 6/ }).count();
    assert.equal(lagRow, 1);
    await shoot(page, '07-group');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Throughput' })
      .click();
    await page.getByText('No metrics configured.').waitFor();
    await shoot(page, '08-throughput');

    await page.goto(`${f.console.url}/topics/browser-orders`);
    await page.getByRole('link', { name: 'Delete topic' }).click();
    await page.getByLabel('Type the topic name to confirm').fill('browser-orders');
    await shoot(page, '09-delete-topic');
    await page.getByRole('button', { name: 'Delete topic' }).click();
    await page.getByText('Topic browser-orders deleted.').waitFor();
    await shoot(page, '10-topic-deleted');
    assert.ok(!(await f.admin.listTopics()).includes('browser-orders'));
  },
);

test('every page is usable with the keyboard alone', { timeout: 120_000 }, async (t) => {
  const f = await startConsoleFixture(t);
  await groupThatStoppedPartway(f, 'keyed', 'readers');
  const { page } = await launchChromium(t);
  const enter = () => page.keyboard.press('Enter');
  // A new page whose address matches: the address before the key press never counts, since
  // it may match already (two notices in a row).
  const navigated = (url: RegExp) => {
    const before = page.url();
    return page.waitForURL((u) => u.href !== before && url.test(u.href));
  };

  await page.goto(f.console.url);
  // The skip link comes first and moves focus to the main content.
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).text, 'Skip to main content');
  await enter();
  assert.equal((await focused(page)).id, 'main');
  // The API versions disclosure opens with the keyboard.
  await tabTo(page, { text: (await page.locator('summary').first().innerText()).trim() });
  await enter();
  assert.equal(await page.locator('details').first().getAttribute('open'), '');

  await tabTo(page, { text: 'Topics' });
  await Promise.all([navigated(/\/topics$/), enter()]);
  await tabTo(page, { text: 'Create a topic' });
  await Promise.all([navigated(/\/topics\/new$/), enter()]);
  await tabTo(page, { id: 'name' });
  await page.keyboard.type('keys-only');
  await tabTo(page, { id: 'partitions' });
  await page.keyboard.type('1');
  await tabTo(page, { text: 'Create topic' });
  await Promise.all([navigated(/\/topics\/keys-only\?/), page.keyboard.press('Space')]);

  await tabTo(page, { id: 'config-name' });
  await page.keyboard.type('retention.ms');
  await tabTo(page, { id: 'config-value' });
  await page.keyboard.type('60000');
  await tabTo(page, { text: 'Set' });
  await Promise.all([navigated(/notice=/), enter()]);
  assert.match(await page.getByRole('status').innerText(), /retention\.ms set to 60000/);

  await tabTo(page, { text: 'Produce a message' });
  await Promise.all([navigated(/\/messages/), enter()]);
  await tabTo(page, { id: 'produce-value' });
  await page.keyboard.type('typed without a mouse');
  await tabTo(page, { text: 'Produce message' });
  await Promise.all([navigated(/notice=/), page.keyboard.press('Space')]);
  await page
    .getByRole('cell', { name: /typed without a mouse/ })
    .first()
    .waitFor();
  await tabTo(page, { text: 'Show messages' });
  await Promise.all([navigated(/from=/), enter()]);
  assert.match(await page.locator('#message-count').innerText(), /^1 message shown/);

  await tabTo(page, { text: 'Topics' });
  await Promise.all([navigated(/\/topics$/), enter()]);
  await tabTo(page, { id: 'q' });
  await page.keyboard.type('key');
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=key/);
  assert.match(await page.locator('#topic-count').innerText(), /^2 topics matching/);

  await tabTo(page, { text: 'Consumer groups' });
  await Promise.all([navigated(/\/groups$/), enter()]);
  await tabTo(page, { text: 'readers' });
  await Promise.all([navigated(/\/groups\/readers$/), enter()]);
  assert.equal(await page.locator('#total-lag').innerText(), '6');
  // The default target is the earliest offset: the lag becomes the whole log.
  await tabTo(page, { text: 'Reset offsets' });
  await Promise.all([navigated(/notice=/), enter()]);
  assert.equal(await page.locator('#total-lag').innerText(), '10');
  await tabTo(page, { text: 'Delete consumer group' });
  await Promise.all([navigated(/\/delete$/), enter()]);
  await tabTo(page, { id: 'confirm' });
  await page.keyboard.type('readers');
  await tabTo(page, { text: 'Delete consumer group' });
  await Promise.all([navigated(/\/groups\?notice=/), enter()]);

  await tabTo(page, { text: 'Throughput' });
  await Promise.all([navigated(/\/throughput$/), enter()]);

  // ACLs and quotas: this broker has no authorizer, so the ACL page only shows
  // SECURITY_DISABLED; quotas need none.
  await tabTo(page, { text: 'ACLs' });
  await Promise.all([navigated(/\/acls$/), enter()]);
  await shoot(page, 'acls');
  await tabTo(page, { text: 'Quotas' });
  await Promise.all([navigated(/\/quotas$/), enter()]);
  await tabTo(page, { id: 'q-user' });
  await page.keyboard.type('keyboard-user');
  await tabTo(page, { id: 'q-value' });
  await page.keyboard.type('1048576');
  await Promise.all([navigated(/notice=/), enter()]);
  assert.equal(await page.locator('#quota-count').innerText(), '1 quota value.');
  await shoot(page, 'quotas');
  await tabTo(page, { text: 'Remove' });
  await Promise.all([navigated(/notice=/), enter()]);
  assert.equal(await page.locator('#quota-count').innerText(), '0 quota values.');

  await page.goto(`${f.console.url}/topics/keys-only`);
  await tabTo(page, { text: 'Delete topic' });
  await Promise.all([navigated(/\/delete$/), enter()]);
  await tabTo(page, { id: 'confirm' });
  await page.keyboard.type('keys-only');
  await tabTo(page, { text: 'Delete topic' });
  await Promise.all([navigated(/\/topics\?notice=/), enter()]);
  assert.ok(!(await f.admin.listTopics()).includes('keys-only'));
});
