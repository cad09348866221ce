package io.automlseg.driver;
