/**
 * Boltzmann's constant over the elementary charge, k/q in V/K. Both are exact in the 2019 SI, so this
 * is exact to the digits shown; kT/q at 300 K is 0.0258520 V. Device laws take the temperature T as a
 * (fixed) parameter and write kT/q as `K_OVER_Q * temp`, so a user can change T per edge.
 */
export const K_OVER_Q = 8.617333262e-5;
