/**
 * Where the embedded server's binaries and clusters go when run as root from
 * a folder the `postgres` account cannot enter. A system folder rather than
 * the temp folder, so clusters survive a reboot and temp cleaners.
 */
export const SHARED_HOME = "/var/lib/fastier-control-plane";
