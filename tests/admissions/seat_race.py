"""One registrant in the seat race (tests/admissions/test_seat_race.py), run as its own process.

`python -m tests.admissions.seat_race OPEN_HOUSE_ID EMAIL START_AT`: sets Django up on DATABASE_URL, waits until
the wall-clock time START_AT, registers, and prints the registration's status. Counting the seats is slowed down
by half a second, so that without the session's lock both racers would count the same free seat.
"""

import os
import sys
import time

import django


def main(open_house_id, email, start_at):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    django.setup()
    from admissions import seats

    counted = seats.seats_taken

    def slow_count(open_house):
        taken = counted(open_house)
        time.sleep(0.5)
        return taken

    seats.seats_taken = slow_count
    time.sleep(max(0.0, start_at - time.time()))
    registration, _ = seats.register(open_house_id, email.split("@")[0], email, "Example School of Medicine")
    print(registration.status)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]))
