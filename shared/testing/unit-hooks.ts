/** Loaded by .mocharc.unit.json only: see unit-only.ts. */
process.env.CLUSTERIP_LAB_UNIT_ONLY = '1';
