/** An entry of an {@link InProgressList}: it carries its own links, so adding and removing allocate nothing. */
export interface InProgressEntry {
  previousInProgress: InProgressEntry | undefined;
  nextInProgress: InProgressEntry | undefined;
}

/**
 * The requests in progress, as an intrusive doubly linked list. A `Set` with one add and one delete per request made
 * ccb's resident memory 20-40 MiB larger under load (measured with 50 connections of short requests: the heap after
 * a full GC was the same, the RSS was not), for a list a shutdown reads once.
 */
export class InProgressList<Entry extends InProgressEntry> {
  #head: Entry | undefined;

  add(entry: Entry): void {
    entry.previousInProgress = undefined;
    entry.nextInProgress = this.#head;
    if (this.#head !== undefined) this.#head.previousInProgress = entry;
    this.#head = entry;
  }

  /** Removes `entry`; one not in the list (any more) is left alone. */
  remove(entry: Entry): void {
    if (entry.previousInProgress !== undefined)
      entry.previousInProgress.nextInProgress = entry.nextInProgress;
    else if (this.#head === entry) this.#head = entry.nextInProgress as Entry | undefined;
    else return;
    if (entry.nextInProgress !== undefined)
      entry.nextInProgress.previousInProgress = entry.previousInProgress;
    entry.previousInProgress = undefined;
    entry.nextInProgress = undefined;
  }

  /** The entries now, most recent first. */
  toArray(): Entry[] {
    const entries: Entry[] = [];
    for (let entry = this.#head; entry !== undefined; entry = entry.nextInProgress as Entry | undefined) {
      entries.push(entry);
    }
    return entries;
  }
}
