// Runs one @platformatic/kafka group member in its own process, reporting like
// group_member.py: JSON lines {"assigned": [...]} and {"record": [p, o]}; exits when stdin
// closes. With group.protocol=consumer this client leaves timers running after close(), which
// would keep a test process alive, so tests run it here and end the process instead.
import { platformaticMember } from './group-members.js';

const options = JSON.parse(process.argv[2]!) as Parameters<typeof platformaticMember>[0];
const member = await platformaticMember(options);
let assigned = '';
let reported = 0;
const timer = setInterval(() => {
  const now = JSON.stringify(member.assigned);
  if (now !== assigned) {
    assigned = now;
    process.stdout.write(`${JSON.stringify({ assigned: member.assigned })}\n`);
  }
  const records = [...member.records];
  for (const r of records.slice(reported)) {
    const [p, o] = r.split(':').map(Number);
    process.stdout.write(`${JSON.stringify({ record: [p, o] })}\n`);
  }
  reported = records.length;
}, 50);
process.stdin.resume();
process.stdin.on('end', () => {
  clearInterval(timer);
  void Promise.race([member.stop(), new Promise((r) => setTimeout(r, 3000))]).then(() =>
    process.exit(0),
  );
});
