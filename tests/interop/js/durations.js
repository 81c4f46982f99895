// expiresIn as the Node services read it: ms() itself, and the exp jsonwebtoken writes.
"use strict";
const ms = require("ms");
const jwt = require("jsonwebtoken");
const { main, describe } = require("./lib");

main(({ strings, iat, secret }) =>
  strings.map((text) => {
    let millis;
    try {
      millis = ms(text);
    } catch (error) {
      millis = describe(error);
    }
    let exp;
    try {
      const token = jwt.sign({ iat }, secret, { algorithm: "HS256", expiresIn: text });
      exp = jwt.decode(token).exp;
    } catch (error) {
      exp = describe(error);
    }
    return { text, millis: millis === undefined ? null : millis, exp: exp === undefined ? null : exp };
  }),
);
