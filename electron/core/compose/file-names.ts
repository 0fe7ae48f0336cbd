// The names live in common/ so the window builds its `docker compose -f …` commands from the same rules.
export * from '../../common/compose-file-names';
