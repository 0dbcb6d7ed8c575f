/**
 * A schedule the service would refuse at CreateSchedule (ValidationException), or one this
 * emulation cannot run faithfully and so refuses instead of running it wrong.
 */
export class ScheduleValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleValidationError';
  }
}
