// The facilitator's clock, pure: from when the round started, the minutes each sheet gets and the
// number of sheets, which sheet is being announced and how long is left for it and for the round.
// The facilitator may step ahead or back by hand (offset, in sheets) when the table runs early or late.

export function roundClock({ startedAt, now, minutesPerSheet, sheetCount, offset = 0 }) {
  const perSheet = Math.max(1, Number(minutesPerSheet) || 1) * 60;
  const total = perSheet * Math.max(0, sheetCount);
  const elapsed = Math.max(0, Math.floor((now - startedAt) / 1000));
  if (!sheetCount || Number.isNaN(elapsed)) {
    return { index: 0, sheetSecondsLeft: 0, roundSecondsLeft: 0, over: true };
  }
  const byTime = Math.floor(elapsed / perSheet);
  const index = Math.max(0, Math.min(sheetCount - 1, byTime + offset));
  const roundSecondsLeft = Math.max(0, total - elapsed);
  // Time left on the sheet shown: the clock's own slot, or a full slot when stepped by hand.
  const sheetSecondsLeft = index === byTime ? perSheet - (elapsed % perSheet) : index > byTime ? perSheet : 0;
  return { index, sheetSecondsLeft: roundSecondsLeft ? sheetSecondsLeft : 0, roundSecondsLeft, over: roundSecondsLeft === 0 };
}

export function formatSeconds(seconds) {
  const value = Math.max(0, Math.floor(seconds));
  return Math.floor(value / 60) + ":" + String(value % 60).padStart(2, "0");
}
