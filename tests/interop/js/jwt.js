// jsonwebtoken on both sides: sign what we are asked to, verify the tokens Python signed.
"use strict";
const jwt = require("jsonwebtoken");
const { main, describe } = require("./lib");

main(({ sign = [], verify = [] }) => ({
  signed: sign.map(({ payload, key, options }) => {
    try {
      return { token: jwt.sign(payload, key, options) };
    } catch (error) {
      return describe(error);
    }
  }),
  verified: verify.map(({ token, key, options }) => {
    try {
      return { claims: jwt.verify(token, key, options) };
    } catch (error) {
      return describe(error);
    }
  }),
}));
