// Intentionally empty: its start-to-exit time is the floor an AOT bootstrap cannot beat.
return 0;
