// Expand every event of the calendar read on standard input as ical.js does
// for agenda applications: one JSON line per occurrence, with its start as
// the wall clock of the event's zone and as an instant in UTC.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const LIMIT = 1000;
const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));

for (const component of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  const occurrences = event.iterator();
  for (let count = 0; count < LIMIT; count++) {
    const next = occurrences.next();
    if (!next) {
      break;
    }
    const start = event.getOccurrenceDetails(next).startDate;
    console.log(
      JSON.stringify({
        summary: event.summary,
        local: start.toString(),
        utc: start.toJSDate().toISOString(),
      }),
    );
  }
}
